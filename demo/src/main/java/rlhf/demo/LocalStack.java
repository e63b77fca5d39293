package rlhf.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import rlhf.kafka.EmbeddedKafkaBroker;
import rlhf.kafka.TopicAdmin;

/**
 * The whole system on one machine: a real Kafka broker in this JVM and the four services, each as its own JVM
 * process started from its packaged Quarkus app, talking over real ports. Closing it stops the services
 * (SIGTERM, then kill after a grace period) and the broker.
 */
public final class LocalStack implements AutoCloseable {

    /** A service of the system: its module folder, and the HTTP+gRPC port it gets here. */
    public record Service(String name, String module, int port) {
        public Path app(Path repoRoot) {
            return repoRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        }
    }

    /** Flags every service JVM gets: DJL offline and untracked, one libtorch thread (2-core machines), 1 GB heap. */
    public static final List<String> SERVICE_JVM_FLAGS = List.of("-Xmx1g", "-Dai.djl.offline=true",
            "-DOPT_OUT_TRACKING=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1");

    private final Path repoRoot;
    private final Path workDir;
    private EmbeddedKafkaBroker broker;
    private final Map<Service, Process> processes = new LinkedHashMap<>();
    private final List<Service> services;
    private final List<Service> replicas = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The gateway's admin API key of this run: made up at start, never written to the work dir. */
    private final String gatewayApiKey = "local-" + UUID.randomUUID().toString().replace("-", "");
    private final String answerKey = UUID.randomUUID().toString() + UUID.randomUUID();
    /** The trainer's admin API key of this run (starts and cancels jobs): made up at start, never written down. */
    private final String trainerAdminToken = "local-trainer-" + UUID.randomUUID().toString().replace("-", "");
    /** Labeler API keys of this run (labeler-1, labeler-2, labeler-3), for the simulated labelers. */
    private final List<String> labelerKeys = List.of(1, 2, 3).stream()
            .map(i -> "labeler-" + i + "-" + UUID.randomUUID().toString().replace("-", "")).toList();

    /** Extra JVM flags per module (system properties such as {@code -Drlhf.…=…}), after the stack's own. */
    private final Map<String, List<String>> moduleFlags;

    private LocalStack(Path repoRoot, Path workDir, EmbeddedKafkaBroker broker, List<Service> services,
            Map<String, List<String>> moduleFlags) {
        this.moduleFlags = Map.copyOf(moduleFlags);
        this.services = List.copyOf(services);
        this.repoRoot = repoRoot;
        this.workDir = workDir;
        this.broker = broker;
    }

    /** The four services on their default ports (8081..8084). */
    public static List<Service> defaultServices() {
        return List.of(new Service("policy-service", "policy-service", 8081),
                new Service("reward-service", "reward-service", 8082),
                new Service("trainer-service", "trainer-service", 8083),
                new Service("feedback-gateway", "feedback-gateway", 8084));
    }

    /**
     * Starts the broker (port 0: any free port), creates the contract's topics, and launches the services.
     *
     * @param repoRoot the repository root (service apps under {@code <module>/target/quarkus-app})
     * @param workDir  broker data, model store and service logs go here
     */
    public static LocalStack start(Path repoRoot, Path workDir, int kafkaPort, List<Service> services) {
        return start(repoRoot, workDir, kafkaPort, services, Map.of());
    }

    /**
     * As {@link #start(Path, Path, int, List)}, with extra JVM flags for the processes of some modules (e.g.
     * {@code "policy-service" -> ["-Drlhf.policy.rollout.session-timeout=10s"]}); they come after the stack's own flags,
     * so they win.
     */
    public static LocalStack start(Path repoRoot, Path workDir, int kafkaPort, List<Service> services,
            Map<String, List<String>> flagsPerModule) {
        for (Service s : services) {
            if (!Files.isRegularFile(s.app(repoRoot))) {
                throw new IllegalStateException(s.name() + " is not built: " + s.app(repoRoot)
                        + " is missing (run ./mvnw -B install -DskipTests first)");
            }
        }
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), kafkaPort);
        TopicAdmin.ensureTopics(broker.bootstrapServers(), (short) 1);
        LocalStack stack = new LocalStack(repoRoot, workDir, broker, services, flagsPerModule);
        try {
            for (Service s : services) {
                stack.launch(s);
            }
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    /** The labeler keys of this run: key i submits as {@code labeler-(i+1)}. */
    public List<String> labelerKeys() {
        return labelerKeys;
    }

    /** The feedback gateway's admin API key of this run (for importers and simulated users). */
    public String gatewayApiKey() {
        return gatewayApiKey;
    }

    /** The trainer-service's admin API key of this run ({@code Authorization: Bearer <key>} on REST and gRPC). */
    public String trainerAdminToken() {
        return trainerAdminToken;
    }

    /** The model store every service shares. */
    public Path modelStore() {
        return workDir.resolve("model-store");
    }

    /** Where the task world's data sets live (the trainer's data dir). */
    public Path dataDir() {
        return workDir.resolve("taskworld");
    }

    /** The port of a service of this stack, by name. */
    public java.util.Optional<Integer> portOf(String name) {
        return java.util.stream.Stream.concat(services.stream(), replicas.stream()).filter(s -> s.name().equals(name))
                .map(Service::port).findFirst();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public List<Service> services() {
        return new ArrayList<>(processes.keySet());
    }

    /** Log file of a service's process (a restarted one appends to it). */
    public Path log(Service s) {
        return workDir.resolve("logs").resolve(s.name() + ".log");
    }

    /** The operating-system process id of a running service of this stack, by name. */
    public java.util.OptionalLong pid(String name) {
        return processes.entrySet().stream().filter(e -> e.getKey().name().equals(name) && e.getValue().isAlive())
                .mapToLong(e -> e.getValue().pid()).findFirst();
    }

    /**
     * Starts one more process of a service (a replica: same module, its own name and port) with the same configuration
     * as the others; wait for it with {@link #awaitReady}.
     */
    public void addReplica(Service replica) {
        if (portOf(replica.name()).isPresent()) {
            throw new IllegalArgumentException("a service named " + replica.name() + " is already in this stack");
        }
        replicas.add(replica);
        launch(replica);
    }

    /**
     * Kills a service's process with SIGKILL (no shutdown hooks, nothing flushed) and waits until it is gone; it leaves
     * the stack's running services until {@link #restart}.
     */
    public void kill(String name) throws InterruptedException {
        Service s = service(name);
        Process p = processes.remove(s);
        if (p == null) {
            throw new IllegalStateException(name + " does not run");
        }
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + p.pid() + ") still runs 30 s after SIGKILL");
        }
    }

    /** Starts a killed or stopped service again, on its port, with its configuration; wait with {@link #awaitReady}. */
    public void restart(String name) {
        Service s = service(name);
        if (processes.containsKey(s)) {
            throw new IllegalStateException(name + " still runs (pid " + processes.get(s).pid() + ")");
        }
        launch(s);
    }

    /**
     * Stops the broker (an orderly shutdown, as in a rolling restart), waits {@code down}, and starts it again on the
     * same port with the same data, so every client reconnects to the address it was given.
     */
    public void restartBroker(Duration down) throws InterruptedException {
        int port = Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers().lastIndexOf(':') + 1));
        broker.close();
        Thread.sleep(down.toMillis());
        broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), port);
    }

    private Service service(String name) {
        return java.util.stream.Stream.concat(services.stream(), replicas.stream()).filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service named " + name + " in this stack"));
    }

    private void launch(Service s) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(SERVICE_JVM_FLAGS);
        cmd.add("-Dquarkus.http.port=" + s.port());
        cmd.add("-Dkafka.bootstrap.servers=" + broker.bootstrapServers());
        cmd.add("-Drlhf.model-store=" + modelStore().toAbsolutePath());
        cmd.add("-Drlhf.trainer.data-dir=" + dataDir().toAbsolutePath());
        portOf("reward-service").ifPresent(port -> cmd.add("-Dquarkus.grpc.clients.reward.port=" + port));
        if (s.module().equals("feedback-gateway")) {
            portOf("policy-service").ifPresent(port -> cmd.add("-Dquarkus.grpc.clients.policy.port=" + port));
            cmd.add("-Drlhf.gateway.chat.answer-key=" + answerKey); // signs the answers the gateway serves in this run
            cmd.add("-Drlhf.gateway.keys.local.token=" + gatewayApiKey);
            cmd.add("-Drlhf.gateway.keys.local.role=admin");
            cmd.add("-Drlhf.gateway.keys.local.per-second=1000000"); // the operator's own imports: no rate limit
            for (int i = 0; i < labelerKeys.size(); i++) {
                String name = "labeler" + (i + 1);
                cmd.add("-Drlhf.gateway.keys." + name + ".token=" + labelerKeys.get(i));
                cmd.add("-Drlhf.gateway.keys." + name + ".role=labeler");
                cmd.add("-Drlhf.gateway.keys." + name + ".labeler-id=labeler-" + (i + 1));
            }
            cmd.add("-Drlhf.gateway.labeling.double-labeled-share=0.25"); // enough doubly-labeled tasks for agreement
        }
        if (s.module().equals("trainer-service")) {
            cmd.add("-Drlhf.trainer.keys.local.token=" + trainerAdminToken);
            cmd.add("-Drlhf.trainer.keys.local.role=admin");
        }
        cmd.addAll(moduleFlags.getOrDefault(s.module(), List.of()));
        cmd.add("-jar");
        cmd.add(s.app(repoRoot).toString());
        try {
            Files.createDirectories(log(s).getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(s).toFile()));
            pb.environment().put("DJL_OFFLINE", "true");
            pb.environment().put("OPT_OUT_TRACKING", "true");
            processes.put(s, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + s.name(), e);
        }
    }

    /**
     * Waits until every service is up (live; its gRPC and HTTP port answer), reporting each one's readiness as it
     * changes: policy and reward services stay "up, not ready" until a model of theirs exists. Fails naming the
     * services that did not come up (or died) and where their logs are.
     */
    public void awaitReady(Duration timeout, Consumer<String> progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Service, String> state = new LinkedHashMap<>();
        while (true) {
            boolean allUp = true;
            for (Map.Entry<Service, Process> e : processes.entrySet()) {
                Service s = e.getKey();
                String st = !e.getValue().isAlive() ? "exited " + e.getValue().exitValue() : probe(s);
                if (!st.equals(state.get(s))) {
                    progress.accept(String.format("%-17s %-24s http://localhost:%d", s.name(), st, s.port()));
                    state.put(s, st);
                }
                if (st.startsWith("exited")) {
                    throw new IllegalStateException(s.name() + " exited; see " + log(s));
                }
                allUp &= !st.equals("starting");
            }
            if (allUp) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not up within " + timeout + ": " + state + "; logs in "
                        + workDir.resolve("logs"));
            }
            Thread.sleep(500);
        }
    }

    /** "ready", "up, not ready" (live but e.g. no model yet) or "starting". */
    private String probe(Service s) throws InterruptedException {
        if (get(s, "/q/health/ready") == 200) {
            return "ready";
        }
        return get(s, "/q/health/live") == 200 ? "up, not ready" : "starting";
    }

    private int get(Service s, String path) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + s.port() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Stops the services (SIGTERM, up to 30 s each, then kill) and the broker. Returns each service's exit code. */
    public Map<String, Integer> stop() throws InterruptedException {
        Map<String, Integer> exits = new LinkedHashMap<>();
        processes.values().forEach(Process::destroy);
        for (Map.Entry<Service, Process> e : processes.entrySet()) {
            Process p = e.getValue();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            exits.put(e.getKey().name(), p.exitValue());
        }
        processes.clear();
        broker.close();
        return exits;
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            processes.values().forEach(Process::destroyForcibly);
            broker.close();
        }
    }
}
