package org.sqexact.testing;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.util.function.Consumer;

/**
 * A WireMock extension that runs a test's step while WireMock serves a request, before the response
 * is sent: the connector's call is in flight and blocked, so the step happens "meanwhile" without a
 * second thread or a sleep (e.g. the test clock moves while Exact is answering, or the clock is
 * read at the moment each request arrives).
 */
public final class WhileServing implements ServeEventListener {

  private volatile Consumer<ServeEvent> step = e -> {};

  /** Runs {@code step} for every request served from now on (until {@link #reset()}). */
  public void onEach(Consumer<ServeEvent> step) {
    this.step = step;
  }

  public void reset() {
    step = e -> {};
  }

  @Override
  public void beforeResponseSent(ServeEvent event, Parameters parameters) {
    step.accept(event);
  }

  @Override
  public String getName() {
    return "while-serving";
  }
}
