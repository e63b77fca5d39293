package rlhf.demo.soak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import rlhf.demo.LocalStack;

/**
 * The memory of the stack's services as the operating system and the services themselves see it: each process's
 * resident set ({@code VmRSS} of {@code /proc/<pid>/status}) and, for the services that run DJL, the NDArrays open in
 * its engine ({@code rlhf_ndarrays_live} on {@code /q/metrics}).
 */
final class MemoryProbe {

    /** The services that hold NDArrays (the gateway holds none: it has RSS only). */
    static final List<String> DJL_SERVICES = List.of("policy-service", "reward-service", "trainer-service");
    static final String GAUGE = "rlhf_ndarrays_live";

    /**
     * One service's memory at one moment: resident set, Java heap in use (after {@link #collectGarbage()}: what the
     * process retains) and live NDArrays (-1 for a service without the gauge).
     */
    record Reading(long rssKb, long heapUsedKb, long liveArrays) {
    }

    private final LocalStack stack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    MemoryProbe(LocalStack stack) {
        this.stack = stack;
    }

    /** Every service's memory now, by name, in the stack's order. */
    Map<String, Reading> sample() throws InterruptedException {
        Map<String, Reading> out = new LinkedHashMap<>();
        for (LocalStack.Service s : stack.services()) {
            String metrics = metrics(s.port());
            long arrays = DJL_SERVICES.contains(s.name()) ? liveArrays(metrics, s.port()) : -1;
            out.put(s.name(), new Reading(rssKb(s.name()), heapUsedKb(metrics), arrays));
        }
        return out;
    }

    /**
     * Waits until every service's live-array count held still over three readings a second apart (the last rollouts
     * and hot swaps have settled), at most {@code timeout}; says whether it did.
     */
    boolean awaitStableArrays(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Long> previous = Map.of();
        int stableReadings = 0;
        while (System.nanoTime() < deadline) {
            Map<String, Long> now = new LinkedHashMap<>();
            for (String name : DJL_SERVICES) {
                int port = stack.portOf(name).orElseThrow();
                now.put(name, liveArrays(metrics(port), port));
            }
            stableReadings = now.equals(previous) ? stableReadings + 1 : 0;
            if (stableReadings == 2) {
                return true;
            }
            previous = now;
            Thread.sleep(1_000);
        }
        return false;
    }

    /**
     * Asks every service's JVM for a full collection ({@code jcmd <pid> GC.run}; G1 then returns the heap it no longer
     * needs), so two samples compare what each process retains rather than how much garbage it had not collected yet.
     * Says whether every JVM did it.
     */
    boolean collectGarbage() throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return false;
        }
        boolean all = true;
        for (LocalStack.Service s : stack.services()) {
            OptionalLong pid = stack.pid(s.name());
            if (pid.isEmpty()) {
                return false;
            }
            try {
                Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(pid.getAsLong()), "GC.run")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                all &= gc.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && gc.exitValue() == 0;
                gc.destroyForcibly();
            } catch (IOException e) {
                all = false;
            }
        }
        return all;
    }

    private long rssKb(String service) {
        OptionalLong pid = stack.pid(service);
        if (pid.isEmpty()) {
            throw new IllegalStateException(service + " does not run");
        }
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid.getAsLong()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .orElseThrow(() -> new IllegalStateException("no VmRSS for " + service));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the memory of " + service + " (pid " + pid.getAsLong() + ")", e);
        }
    }

    /** The RSS of every service now, in MB, for progress lines. */
    Map<String, Long> rssMb() {
        Map<String, Long> out = new LinkedHashMap<>();
        stack.services().forEach(s -> out.put(s.name(), rssKb(s.name()) / 1024));
        return out;
    }

    /** The service's {@code rlhf_ndarrays_live} from its Prometheus text. */
    private static long liveArrays(String metrics, int port) {
        return metrics.lines().filter(l -> l.startsWith(GAUGE + " ") || l.startsWith(GAUGE + "{")).findFirst()
                .map(MemoryProbe::value)
                .orElseThrow(() -> new IllegalStateException("no " + GAUGE + " on port " + port + "/q/metrics"));
    }

    /** Micrometer's {@code jvm_memory_used_bytes} of the heap's pools, summed, in kB. */
    private static long heapUsedKb(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToLong(MemoryProbe::value).sum() / 1024;
    }

    private static long value(String prometheusLine) {
        return Math.round(Double.parseDouble(prometheusLine.substring(prometheusLine.lastIndexOf(' ') + 1)));
    }

    /** A service's {@code /q/metrics} in Prometheus' text format. */
    private String metrics(int port) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/metrics"))
                .header("Accept", "text/plain").timeout(Duration.ofSeconds(30)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /q/metrics on port " + port, e);
        }
    }
}
