package rlhf.demo.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.demo.LocalStack;
import rlhf.demo.soak.MemoryProbe.Reading;
import rlhf.policy.v1.ListModelsRequest;
import rlhf.policy.v1.PolicyServiceGrpc;

/**
 * The soak: the whole stack (embedded Kafka and the four services as processes) under mixed load for a stated time —
 * chat and comparisons through the gateway, Generate and Score on the model services' gRPC ports, and a PPO job
 * restarted whenever it ends — with the memory of every service sampled after the warm-up and at the end. Both samples
 * are taken in the same quiet state: clients held, the PPO job cancelled and ended, the policy-service serving the
 * newest published version, every live-array count still for two seconds, and a full GC in every JVM. Growth
 * between them is what the load left behind.
 *
 * <pre>
 * ./rlhf soak --minutes 5
 * </pre>
 */
public final class Soak {

    /**
     * JVM flags of every service in a soak. Without them a JVM's initial heap is a 64th of the machine's memory (368 MB
     * here), G1 never shrinks below it, and RSS grows for minutes as the load first touches its pages: growth that is
     * no leak and no full GC takes back. With a small initial heap and tight free ratios, the full GC before each sample
     * returns what the heap does not hold, so the two samples compare retained memory.
     */
    static final Map<String, List<String>> HEAP_RETURNED_AFTER_GC = LocalStack.defaultServices().stream().collect(
            java.util.stream.Collectors.toMap(LocalStack.Service::module,
                    s -> List.of("-Xms16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20")));

    private final LocalStack stack;
    private final SoakSettings settings;
    private final Consumer<String> log;

    private Soak(LocalStack stack, SoakSettings settings, Consumer<String> log) {
        this.stack = stack;
        this.settings = settings;
        this.log = log;
    }

    /**
     * Starts the stack in {@code workDir} (services on free ports), makes tiny models if it holds none, runs the load and
     * stops everything; the report says whether the soak passed.
     *
     * @param repoRoot the checkout the services' apps were built in ({@code <module>/target/quarkus-app})
     */
    public static SoakReport run(Path repoRoot, Path workDir, int kafkaPort, SoakSettings settings,
            Consumer<String> log) throws InterruptedException {
        log.accept("soak: starting Kafka and 4 services (work dir " + workDir.toAbsolutePath() + ")");
        LocalStack stack = LocalStack.start(repoRoot, workDir, kafkaPort, services(), HEAP_RETURNED_AFTER_GC);
        Thread stopOnExit = new Thread(stack::close, "soak-shutdown"); // Ctrl-C leaves no service running
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            stack.awaitReady(Duration.ofMinutes(4), line -> log.accept("  " + line));
            TinyModels.ensure(stack, settings.seed(), log);
            awaitReady(stack, "policy-service");
            awaitReady(stack, "reward-service");
            return new Soak(stack, settings, log).drive();
        } finally {
            stack.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException e) {
                // the JVM is shutting down already; the hook stops the stack
            }
        }
    }

    private SoakReport drive() throws InterruptedException {
        String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        MemoryProbe memory = new MemoryProbe(stack);
        String runId = "soak-" + Long.toString(System.currentTimeMillis(), 36);
        try (Requests requests = new Requests(port("feedback-gateway"), stack.gatewayApiKey(), port("policy-service"),
                port("reward-service"), runId);
                ClientLoad clients = new ClientLoad(requests, settings.clients());
                PpoDriver ppo = new PpoDriver(port("trainer-service"), stack.trainerAdminToken(),
                        settings.ppoParameters(), log);
                PolicyAnnouncements announcements = new PolicyAnnouncements(stack.bootstrapServers(), ppo)) {
            ppo.start();
            clients.start();
            long loadStart = System.nanoTime();
            log.accept(String.format(Locale.ROOT, "soak: load for %d s, the first %d s warm-up; %d clients per kind "
                    + "(chat, comparison, generate, score) and a PPO job of %d iterations, restarted when it ends",
                    settings.load().toSeconds(), settings.warmup().toSeconds(), settings.clients(),
                    settings.ppoIterations()));
            loadFor("warm-up", settings.warmup(), clients, ppo, memory);
            if (!ppo.awaitPublished(1, Duration.ofMinutes(3))) {
                log.accept("soak: no PPO iteration was published in the warm-up");
            }
            Duration warmedUp = Duration.ofNanos(System.nanoTime() - loadStart);
            Map<String, Reading> first = quietSample("first", clients, ppo, announcements, memory);
            clients.startMeasuring();
            ppo.startMeasuring();
            int publishedBefore = ppo.published();
            long measuredFrom = System.nanoTime();
            resume(clients, ppo);
            loadFor("measured", settings.load().minus(warmedUp), clients, ppo, memory);
            long measuredSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - measuredFrom);
            Map<String, Reading> last = quietSample("last", clients, ppo, announcements, memory);
            SoakReport.PpoRow ppoRow = new SoakReport.PpoRow(ppo.jobsStarted(), ppo.published() - publishedBefore,
                    ppo.published(), settings.rolloutsPerIteration());
            return SoakReport.of(startedAt, settings, measuredSeconds, rows(clients, ppo, true),
                    rows(clients, ppo, false), services(first, last), ppoRow);
        }
    }

    /** Lets the load run for {@code time}, with a progress line (calls of this phase so far) every 30 s. */
    private void loadFor(String phase, Duration time, ClientLoad clients, PpoDriver ppo, MemoryProbe memory)
            throws InterruptedException {
        long end = System.nanoTime() + Math.max(0, time.toNanos());
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(30_000, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) + 1));
            List<String> parts = new ArrayList<>();
            for (LoadKind kind : ClientLoad.KINDS) {
                CallStats.Summary s = clients.stats(kind).current().summary();
                parts.add(kind.label() + " " + s.calls() + (s.errors() > 0 ? " (" + s.errors() + " errors)" : ""));
            }
            log.accept("soak [" + phase + "]: " + String.join(", ", parts) + "; ppo iterations "
                    + ppo.stats().current().summary().calls() + "; RSS MB " + memory.rssMb());
        }
    }

    /** Holds the load, waits for the quiet state, and samples every service's memory in it. */
    private Map<String, Reading> quietSample(String which, ClientLoad clients, PpoDriver ppo,
            PolicyAnnouncements announcements, MemoryProbe memory) throws InterruptedException {
        long start = System.nanoTime();
        clients.pause();
        ppo.pause();
        awaitServedPolicy(announcements.newestPolicy());
        if (!memory.awaitStableArrays(Duration.ofSeconds(60))) {
            log.accept("soak: live NDArrays still moved after 60 s of quiet; sampling anyway");
        }
        if (!memory.collectGarbage()) {
            log.accept("soak: a service JVM did not run jcmd GC.run; its RSS includes uncollected garbage");
        }
        Map<String, Reading> sample = memory.sample();
        log.accept(String.format(Locale.ROOT, "soak: %s memory sample (after %.0f s of quiet): %s", which,
                (System.nanoTime() - start) / 1e9, sample));
        return sample;
    }

    private static void resume(ClientLoad clients, PpoDriver ppo) {
        ppo.resume();
        clients.resume();
    }

    /** Waits (up to a minute) until unversioned calls are served from the newest announced policy version. */
    private void awaitServedPolicy(long version) throws InterruptedException {
        if (version == 0) {
            return;
        }
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port("policy-service")).usePlaintext()
                .build();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            ModelRef serving = ModelRef.getDefaultInstance();
            while (System.nanoTime() < deadline) {
                serving = PolicyServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .listModels(ListModelsRequest.getDefaultInstance()).getServing();
                if (serving.getKind() == ModelKind.MODEL_KIND_POLICY && serving.getVersion() >= version) {
                    return;
                }
                Thread.sleep(250);
            }
            log.accept("soak: policy-service still serves " + serving + ", not policy v" + version);
        } finally {
            channel.shutdownNow();
        }
    }

    private static List<SoakReport.KindRow> rows(ClientLoad clients, PpoDriver ppo, boolean measured) {
        List<SoakReport.KindRow> rows = new ArrayList<>();
        for (LoadKind kind : ClientLoad.KINDS) {
            PhasedStats s = clients.stats(kind);
            rows.add(SoakReport.KindRow.of(kind, (measured ? s.measured : s.warmup).summary()));
        }
        PhasedStats p = ppo.stats();
        rows.add(SoakReport.KindRow.of(LoadKind.PPO_ITERATION, (measured ? p.measured : p.warmup).summary()));
        return rows;
    }

    private static List<SoakReport.ServiceRow> services(Map<String, Reading> first, Map<String, Reading> last) {
        return first.keySet().stream().map(name -> new SoakReport.ServiceRow(name, first.get(name).rssKb(),
                last.get(name).rssKb(), first.get(name).heapUsedKb(), last.get(name).heapUsedKb(),
                first.get(name).liveArrays(), last.get(name).liveArrays())).toList();
    }

    private int port(String service) {
        return stack.portOf(service).orElseThrow();
    }

    /** The four services on free ports, so a soak runs beside a local run on 8081..8084. */
    private static List<LocalStack.Service> services() {
        return LocalStack.defaultServices().stream()
                .map(s -> new LocalStack.Service(s.name(), s.module(), freePort())).toList();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** Waits (up to two minutes) until a service's readiness check passes: its models are loaded. */
    private static void awaitReady(LocalStack stack, String service) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + stack.portOf(service).orElseThrow()
                + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not answering yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(service + " is not ready 2 minutes after its models were made; see "
                + stack.log(stack.services().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow()));
    }
}
