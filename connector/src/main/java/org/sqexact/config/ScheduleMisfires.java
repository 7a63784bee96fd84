package org.sqexact.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.listeners.TriggerListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when a schedule fired late for want of a Quartz worker thread: Quartz calls {@code
 * triggerMisfired} when a firing waited longer than its misfire threshold (60 s). With many
 * connections that means every worker was held by a running poll or sync; a poll whose own previous
 * run is still working (one run at a time, by design) is not a late firing and is only logged at
 * debug level. Logged with the job (the Quartz group is the connection) and counted as {@code
 * connector_schedule_misfires{group,job}}, so an operator raises {@code CONNECTOR_SCHEDULE_THREADS}
 * or restarts after adding connections (the pool is sized at start).
 */
final class ScheduleMisfires extends TriggerListenerSupport {

  private static final Logger LOG = LoggerFactory.getLogger(ScheduleMisfires.class);

  private final CamelContext context;
  private final Scheduler scheduler;
  private final int threads;

  private ScheduleMisfires(CamelContext context, Scheduler scheduler, int threads) {
    this.context = context;
    this.scheduler = scheduler;
    this.threads = threads;
  }

  /** Listens to the component's scheduler (once it runs) and logs its size. */
  static void watch(CamelContext context, QuartzComponent quartz) {
    Scheduler s = quartz.getScheduler();
    if (s == null) {
      return;
    }
    try {
      int threads = s.getMetaData().getThreadPoolSize();
      s.getListenerManager().addTriggerListener(new ScheduleMisfires(context, s, threads));
      LOG.info(
          "Schedules run on {} Quartz worker threads (CONNECTOR_SCHEDULE_THREADS; auto: enough"
              + " for the connections found at start, a connection added later shares them)",
          threads);
    } catch (SchedulerException e) {
      LOG.warn("Cannot watch the Quartz scheduler for late firings: {}", e.getMessage());
    }
  }

  @Override
  public String getName() {
    return "connector-schedule-misfires";
  }

  @Override
  public void triggerMisfired(Trigger trigger) {
    String group = trigger.getKey().getGroup();
    String job = trigger.getKey().getName();
    List<JobExecutionContext> running = running();
    if (running.size() < threads) {
      // Threads are free: the late firing is a poll or sync whose own previous run outlasted the
      // threshold (one run at a time, by design; Quartz reports the skipped firing once that run
      // ended), or a process paused or starved of CPU; not a shortage of threads. Seen in the
      // connections benchmark: every poll kept busy for more than a minute at Exact's limit.
      LOG.debug(
          "Schedule {}/{} fired late with {} of {} Quartz worker threads busy",
          group,
          job,
          running.size(),
          threads);
      return;
    }
    LOG.warn(
        "Schedule {}/{} fired late: all {} Quartz worker threads were busy (polls and syncs of"
            + " every connection hold one while they run). Raise CONNECTOR_SCHEDULE_THREADS, or"
            + " restart after adding connections (the pool is sized at start).",
        group,
        job,
        threads);
    MeterRegistry registry =
        context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
    if (registry != null) {
      Counter.builder("connector_schedule_misfires")
          .description("Schedule firings that waited past Quartz's misfire threshold for a thread")
          .tag("group", group)
          .tag("job", job)
          .register(registry)
          .increment();
    }
  }

  /** The firings this node runs now (Quartz's own list; empty when it cannot be read). */
  private List<JobExecutionContext> running() {
    try {
      return scheduler.getCurrentlyExecutingJobs();
    } catch (SchedulerException e) {
      return List.of();
    }
  }
}
