package org.sqexact.config;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.impl.JobExecutionContextImpl;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.spi.OperableTrigger;
import org.quartz.spi.TriggerFiredBundle;

/**
 * A firing before its trigger's start time, which camel-quartz skips, is fired again at once on a
 * real Quartz scheduler; a firing at or after the start time is left alone. (Quartz's early firing
 * itself, up to 2 ms, cannot be provoked on purpose: the listener is given such a firing.)
 */
class DroppedFirstFiringsTest {

  /** What each run of {@link Recording} saw: fire time not before the trigger's start time. */
  static final List<Boolean> RUNS = new CopyOnWriteArrayList<>();

  /** Records whether camel-quartz's CamelJob would have run this firing. */
  public static class Recording implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      Date start = context.getTrigger().getStartTime();
      RUNS.add(!context.getFireTime().before(start));
    }
  }

  private Scheduler scheduler;
  private JobDetail job;

  @BeforeEach
  void start() throws Exception {
    RUNS.clear();
    Properties p = new Properties();
    p.put("org.quartz.scheduler.instanceName", "dropped-" + UUID.randomUUID());
    p.put("org.quartz.threadPool.threadCount", "2");
    p.put("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    scheduler = new StdSchedulerFactory(p).getScheduler();
    scheduler.getListenerManager().addJobListener(new DroppedFirstFirings());
    // in standby: a trigger the listener adds waits, so the test can see it before it fires
    job =
        JobBuilder.newJob(Recording.class)
            .withIdentity("stock-sync", "shop-b")
            .storeDurably()
            .build();
    scheduler.addJob(job, false);
  }

  @AfterEach
  void stop() throws Exception {
    scheduler.shutdown(true);
  }

  /** A firing as the scheduler thread hands it to the job: {@code early} ms before the start. */
  private JobExecutionContext firing(long early) {
    Date start = new Date(System.currentTimeMillis() + 500);
    OperableTrigger trigger =
        (OperableTrigger)
            TriggerBuilder.newTrigger()
                .withIdentity("stock-sync", "shop-b")
                .forJob(job)
                .startAt(start)
                .withSchedule(SimpleScheduleBuilder.repeatHourlyForever())
                .build();
    Date fireTime = new Date(start.getTime() - early);
    TriggerFiredBundle bundle =
        new TriggerFiredBundle(job, trigger, null, false, fireTime, start, null, null);
    return new JobExecutionContextImpl(scheduler, bundle, new Recording());
  }

  @Test
  void aFiringBeforeItsStartTimeIsFiredAgainAtOnce() throws Exception {
    new DroppedFirstFirings().jobWasExecuted(firing(2), null);
    assertEquals(1, scheduler.getTriggersOfJob(job.getKey()).size(), "a trigger of its own");

    scheduler.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> RUNS.size() == 1);
    assertEquals(List.of(true), RUNS, "fired again, with a trigger camel-quartz runs");
  }

  @Test
  void aFiringAtItsStartTimeIsNotFiredAgain() throws Exception {
    new DroppedFirstFirings().jobWasExecuted(firing(0), null);
    assertEquals(0, scheduler.getTriggersOfJob(job.getKey()).size(), "nothing fired again");
  }
}
