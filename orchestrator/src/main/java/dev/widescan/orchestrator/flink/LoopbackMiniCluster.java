package dev.widescan.orchestrator.flink;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.blob.TransientBlobService;
import org.apache.flink.runtime.dispatcher.DispatcherGateway;
import org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint;
import org.apache.flink.runtime.dispatcher.SessionDispatcherFactory;
import org.apache.flink.runtime.dispatcher.runner.DefaultDispatcherRunnerFactory;
import org.apache.flink.runtime.entrypoint.component.DefaultDispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.entrypoint.component.DispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.leaderelection.LeaderElection;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.resourcemanager.ResourceManagerGateway;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;
import org.apache.flink.runtime.rest.RestEndpointFactory;
import org.apache.flink.runtime.rest.handler.RestHandlerConfiguration;
import org.apache.flink.runtime.rest.handler.RestHandlerSpecification;
import org.apache.flink.runtime.rest.handler.legacy.metrics.MetricFetcher;
import org.apache.flink.runtime.rpc.FatalErrorHandler;
import org.apache.flink.runtime.webmonitor.WebMonitorEndpoint;
import org.apache.flink.runtime.webmonitor.retriever.LeaderGatewayRetriever;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandler;

/**
 * The embedded Flink: a MiniCluster that listens on loopback only and whose REST endpoint has no
 * handlers. The orchestrator talks to it through its Java API (submit, status, cancel go over the
 * in-JVM RPC), so the REST API, which would let any local process cancel the job or shut the
 * cluster down without credentials, is not needed; Flink cannot start without the endpoint, so it
 * binds to loopback on a random port and answers every request with 404.
 */
final class LoopbackMiniCluster extends MiniCluster {

  LoopbackMiniCluster(MiniClusterConfiguration configuration) {
    super(configuration);
  }

  /**
   * {@code base} with every address Flink binds or advertises on loopback: the REST endpoint, the
   * BlobServer (which binds {@code jobmanager.bind-host}, else all interfaces), the JobManager's
   * and the TaskManager's RPC and data ports. The shared in-JVM RPC service of a MiniCluster opens
   * no port at all; with one TaskManager, data moves through local channels, not a Netty server.
   */
  static Configuration loopbackOnly(Configuration base) {
    Configuration c = new Configuration(base);
    String loopback = loopbackAddress();
    c.set(RestOptions.BIND_ADDRESS, loopback);
    c.set(RestOptions.ADDRESS, loopback);
    c.set(JobManagerOptions.BIND_HOST, loopback);
    c.set(JobManagerOptions.ADDRESS, loopback);
    c.set(TaskManagerOptions.BIND_HOST, loopback);
    c.set(TaskManagerOptions.HOST, loopback);
    // The MiniCluster's blob cache connects to the BlobServer at InetAddress.getLocalHost(), which
    // may be a non-loopback address the server no longer listens on: keep every deployment message
    // in the RPC instead of offloading large ones to the BlobServer.
    c.set(BlobServerOptions.OFFLOAD_MINSIZE, Integer.MAX_VALUE);
    return c;
  }

  /**
   * The local host's address when it is a loopback one (Debian names it 127.0.1.1, where the
   * MiniCluster's blob cache looks for the BlobServer), else 127.0.0.1.
   */
  private static String loopbackAddress() {
    try {
      InetAddress local = InetAddress.getLocalHost();
      if (local.isLoopbackAddress()) {
        return local.getHostAddress();
      }
    } catch (Exception e) {
      // no name for this host: 127.0.0.1 below
    }
    return "127.0.0.1";
  }

  @Override
  protected DispatcherResourceManagerComponentFactory
      createDispatcherResourceManagerComponentFactory() {
    return new DefaultDispatcherResourceManagerComponentFactory(
        DefaultDispatcherRunnerFactory.createSessionRunner(SessionDispatcherFactory.INSTANCE),
        StandaloneResourceManagerFactory.getInstance(),
        new HandlerlessRestEndpointFactory());
  }

  /** Flink's session REST endpoint, minus every handler. */
  private static final class HandlerlessRestEndpointFactory
      implements RestEndpointFactory<DispatcherGateway> {
    @Override
    public WebMonitorEndpoint<DispatcherGateway> createRestEndpoint(
        Configuration configuration,
        LeaderGatewayRetriever<DispatcherGateway> dispatcherGatewayRetriever,
        LeaderGatewayRetriever<ResourceManagerGateway> resourceManagerGatewayRetriever,
        TransientBlobService transientBlobService,
        ScheduledExecutorService executor,
        MetricFetcher metricFetcher,
        LeaderElection leaderElection,
        FatalErrorHandler fatalErrorHandler)
        throws Exception {
      RestHandlerConfiguration handlers = RestHandlerConfiguration.fromConfiguration(configuration);
      return new DispatcherRestEndpoint(
          dispatcherGatewayRetriever,
          configuration,
          handlers,
          resourceManagerGatewayRetriever,
          transientBlobService,
          executor,
          metricFetcher,
          leaderElection,
          RestEndpointFactory.createExecutionGraphCache(handlers),
          fatalErrorHandler) {
        @Override
        protected List<Tuple2<RestHandlerSpecification, ChannelInboundHandler>> initializeHandlers(
            CompletableFuture<String> localAddressFuture) {
          return new ArrayList<>();
        }
      };
    }
  }
}
