package org.sqexact.sandbox;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.sqexact.config.DemoBackend;

/**
 * The connector's demo backend ({@code META-INF/services/org.sqexact.config.DemoBackend}): starts
 * the {@link DemoSandbox} and adds the demo controls, {@code sandbox/demo.camel.yaml} and {@code
 * sandbox/demo-return-flows.camel.yaml} with their beans ({@link DemoControls}, {@link
 * ReturnFlowControls}), to the connector's Camel context. Camel Main collects the route builders
 * bound here together with the routes under {@code routes/}.
 */
public final class SandboxDemoBackend implements DemoBackend {

  /** The demo controls' routes, on the class path of this module only. */
  static final List<String> ROUTES =
      List.of(
          "classpath:sandbox/demo.camel.yaml",
          "classpath:sandbox/demo-return-flows.camel.yaml",
          "classpath:sandbox/demo-products.camel.yaml");

  @Override
  public Running start(CamelContext context, int port, Clock clock) throws Exception {
    DemoSandbox sandbox = DemoSandbox.start(port, clock);
    try {
      context.getRegistry().bind("demoSandbox", sandbox);
      context.getRegistry().bind("demoControls", new DemoControls(sandbox));
      context.getRegistry().bind("returnFlowControls", new ReturnFlowControls(sandbox));
      context.getRegistry().bind("productControls", new ProductControls(sandbox, clock));
      int n = 0;
      for (String resource : ROUTES) {
        for (RoutesBuilder routes :
            PluginHelper.getRoutesLoader(context)
                .findRoutesBuilders(
                    PluginHelper.getResourceLoader(context).resolveResource(resource))) {
          context.getRegistry().bind("demoRoutes" + n++, routes);
        }
      }
    } catch (Exception | Error e) {
      sandbox.close();
      throw e;
    }
    return new Running() {
      @Override
      public String address() {
        return "http://127.0.0.1:" + sandbox.port();
      }

      @Override
      public URI squarespaceBaseUrl() {
        return URI.create(sandbox.squarespaceBaseUrl());
      }

      @Override
      public String squarespaceApiKey() {
        return DemoSandbox.API_KEY;
      }

      @Override
      public URI exactBaseUrl() {
        return URI.create(sandbox.exactBaseUrl());
      }

      @Override
      public String exactClientId() {
        return DemoSandbox.CLIENT_ID;
      }

      @Override
      public String exactClientSecret() {
        return DemoSandbox.CLIENT_SECRET;
      }

      @Override
      public String exactRefreshToken() {
        return DemoSandbox.FIRST_REFRESH_TOKEN;
      }

      @Override
      public int exactDivision() {
        return DemoSandbox.DIVISION;
      }

      @Override
      public void dripOrders(Duration interval) {
        sandbox.shop().startDripping(interval);
      }

      @Override
      public String squarespaceStorePageId() {
        return sandbox.shop().storePageId();
      }

      @Override
      public String subscribeShopWebhooks(String callbackUrl) {
        ShopWebhooks hooks = ShopWebhooks.subscribe(sandbox, callbackUrl);
        try {
          context.addService(
              new ServiceSupport() {
                @Override
                protected void doStart() {
                  hooks.start();
                }

                @Override
                protected void doStop() {
                  hooks.close();
                }
              },
              true);
        } catch (Exception e) {
          hooks.close();
          throw new IllegalStateException("cannot start the sandbox shop's webhooks", e);
        }
        context.getRegistry().bind("demoShopWebhooks", hooks);
        return hooks.secret();
      }

      @Override
      public void close() {
        sandbox.close();
      }
    };
  }
}
