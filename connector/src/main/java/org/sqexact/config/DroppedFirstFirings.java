package org.sqexact.config;

import java.util.Date;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.listeners.JobListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires again, at once, a schedule's firing that camel-quartz dropped because it came before its
 * trigger's start time.
 *
 * <p>camel-quartz starts a trigger created while the scheduler runs (a connection added at run
 * time, a schedule started by the connect wizard) half a second ahead, and its job ({@code
 * CamelJob}) skips a firing whose fire time is before the trigger's start time ("Trigger exists
 * outside StartTime … Skipping CamelJob"). Quartz's scheduler thread fires a trigger once it is at
 * most 2 ms away, so the first firing is sometimes a millisecond or two early and is dropped: the
 * first stock or product run of a new connection then came an interval later (an hour, in
 * ConnectionReturnFlowsTest, which failed in CI on it), and its Exact webhook subscriptions, a job
 * that fires once, never. Only the first firing can be early relative to the start time, so this
 * fires the job once more with a trigger of its own ({@link Scheduler#triggerJob}); camel-quartz
 * finds the route by the endpoint URI in the job's data.
 */
final class DroppedFirstFirings extends JobListenerSupport {

  private static final Logger LOG = LoggerFactory.getLogger(DroppedFirstFirings.class);

  @Override
  public String getName() {
    return "connector-dropped-first-firings";
  }

  /** Listens to every job of the component's scheduler (once it runs). */
  static void watch(QuartzComponent quartz) {
    Scheduler s = quartz.getScheduler();
    if (s == null) {
      return;
    }
    try {
      s.getListenerManager().addJobListener(new DroppedFirstFirings());
    } catch (SchedulerException e) {
      LOG.warn("Cannot watch the Quartz scheduler for dropped firings: {}", e.getMessage());
    }
  }

  @Override
  public void jobWasExecuted(JobExecutionContext context, JobExecutionException error) {
    Date start = context.getTrigger().getStartTime();
    if (start == null || !context.getFireTime().before(start)) {
      return; // a firing camel-quartz ran
    }
    try {
      context.getScheduler().triggerJob(context.getJobDetail().getKey());
      LOG.debug(
          "Schedule {} fired {} ms before its start time and was skipped: fired again",
          context.getJobDetail().getKey(),
          start.getTime() - context.getFireTime().getTime());
    } catch (SchedulerException e) {
      LOG.warn(
          "Schedule {} fired before its start time and was skipped; it runs at its next firing"
              + " ({})",
          context.getJobDetail().getKey(),
          e.getMessage());
    }
  }
}
