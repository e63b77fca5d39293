package rlhf.service;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Readiness: the service is ready only while the Kafka cluster answers. When it does not, the check is DOWN
 * with a {@code reason} that names the address and the cause, the change is logged once (not on every probe),
 * and gauge {@code rlhf.kafka.reachable} drops to 0, so an unreachable broker is never a silent crash loop.
 */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(KafkaReadinessCheck.class);
    static final String NAME = "kafka";

    private final KafkaConnectionConfig config;
    private final AtomicBoolean lastUp = new AtomicBoolean(true);
    private volatile boolean reachable;
    private Admin admin;

    public KafkaReadinessCheck(KafkaConnectionConfig config, MeterRegistry registry) {
        this.config = config;
        Gauge.builder("rlhf.kafka.reachable", this, c -> c.reachable ? 1 : 0)
                .description("1 while the Kafka cluster answered the last readiness probe, else 0")
                .register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        String servers = config.bootstrapServers();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("bootstrap.servers", servers);
        try {
            DescribeClusterResult cluster = admin().describeCluster(
                    new DescribeClusterOptions().timeoutMs((int) config.healthTimeout().toMillis()));
            long waitMs = config.healthTimeout().toMillis() + 500;
            Collection<Node> nodes = cluster.nodes().get(waitMs, TimeUnit.MILLISECONDS);
            String clusterId = cluster.clusterId().get(waitMs, TimeUnit.MILLISECONDS);
            record(true, null);
            return response.up().withData("cluster.id", clusterId).withData("brokers", nodes.size()).build();
        } catch (ExecutionException e) {
            return down(response, servers, e.getCause());
        } catch (TimeoutException e) {
            return down(response, servers, e);
        } catch (KafkaException e) { // e.g. no resolvable bootstrap address: the admin client cannot even start
            return down(response, servers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(response, servers, e);
        }
    }

    private HealthCheckResponse down(HealthCheckResponseBuilder response, String servers, Throwable cause) {
        String reason = "Kafka unreachable at " + servers + " (rlhf.kafka.bootstrap-servers): no cluster answer within "
                + config.healthTimeout().toMillis() + " ms: " + describe(cause);
        record(false, reason);
        closeAdmin(); // a fresh client on the next probe re-resolves the address
        return response.down().withData("reason", reason).build();
    }

    /** The failure and, when it wraps another (e.g. a DNS failure inside client creation), its root cause. */
    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        return root == failure ? text : text + " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    }

    private void record(boolean up, String reason) {
        reachable = up;
        if (lastUp.getAndSet(up) != up) {
            if (up) {
                LOG.infof("Kafka at %s reachable again; service ready", config.bootstrapServers());
            } else {
                LOG.warnf("Service not ready: %s", reason);
            }
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, "readiness-check",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) config.healthTimeout().toMillis(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.healthTimeout().toMillis(),
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
        }
        return admin;
    }

    @PreDestroy
    synchronized void closeAdmin() {
        if (admin != null) {
            admin.close(java.time.Duration.ofMillis(200));
            admin = null;
        }
    }
}
