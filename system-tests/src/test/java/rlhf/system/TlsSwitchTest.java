package rlhf.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.Prompt;
import rlhf.common.v1.SamplingParams;
import rlhf.demo.LocalStack;
import rlhf.model.GptConfig;
import rlhf.model.GptModel;
import rlhf.model.store.CheckpointStore;
import rlhf.model.store.Lineage;
import rlhf.model.tokenizer.ByteTokenizer;
import rlhf.policy.v1.BestOfNRequest;
import rlhf.policy.v1.BestOfNResponse;
import rlhf.policy.v1.ListModelsRequest;
import rlhf.policy.v1.PolicyServiceGrpc;

/**
 * The TLS switch ({@code rlhf.tls.enabled}, rlhf.service.TlsSwitch) on real processes: policy-service, reward-service
 * and the feedback gateway started from their packaged apps with a self-signed pair made here by the JDK's keytool.
 * Each port then speaks TLS only (HTTPS and gRPC), refuses plaintext and clients that do not trust the pair, and the
 * service-to-service calls (gateway → policy for chat, policy → reward for BestOfN) run over TLS, since the ports
 * they call accept nothing else. The reward-service there also requires a caller token ({@code rlhf.callers.required}),
 * which the policy-service sends on its outgoing calls ({@code rlhf.callers.outgoing-token}).
 */
class TlsSwitchTest {

    private static final String STORE_PASSWORD = "changeit-tls-test";
    private static final int CONTEXT = 128;
    private static final int MAX_NEW_TOKENS = 8;

    /** The pair as PEM files (what a Kubernetes TLS Secret mounts) and a client context trusting only it. */
    private record SelfSignedPair(Path certificate, Path key, SSLContext trusting) {
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyPortSpeaksTlsOnlyAndTheServicesCallEachOtherOverIt(@TempDir Path workDir) throws Exception {
        Path root = Path.of(System.getProperty("rlhf.repo.root", ".."));
        SelfSignedPair pair = selfSignedPair(workDir.resolve("tls"));
        publishTinyModels(workDir.resolve("model-store")); // LocalStack's model store: <workDir>/model-store
        List<LocalStack.Service> services = List.of(
                new LocalStack.Service("policy-service", "policy-service", freePort()),
                new LocalStack.Service("reward-service", "reward-service", freePort()),
                new LocalStack.Service("feedback-gateway", "feedback-gateway", freePort()));
        List<String> tls = List.of("-Drlhf.tls.enabled=true", "-Drlhf.tls.certificate=" + pair.certificate(),
                "-Drlhf.tls.key=" + pair.key());
        // The reward-service also wants a caller token (rlhf.callers), which the policy-service sends on its calls.
        String callerToken = "policy-caller-" + java.util.UUID.randomUUID();
        Map<String, List<String>> flags = Map.of(
                "policy-service", concat(tls, "-Drlhf.callers.outgoing-token=" + callerToken),
                "reward-service", concat(concat(tls, "-Drlhf.callers.required=true"),
                        "-Drlhf.callers.tokens.policy=" + callerToken),
                "feedback-gateway",
                concat(tls, "-Drlhf.gateway.chat.max-new-tokens=" + MAX_NEW_TOKENS));
        try (LocalStack stack = LocalStack.start(root, workDir, 0, services, flags)) {
            HttpClient https = HttpClient.newBuilder().sslContext(pair.trusting())
                    .connectTimeout(Duration.ofSeconds(2)).build();
            for (LocalStack.Service s : services) {
                awaitReadyOverHttps(stack, s, https);
            }
            int policyPort = stack.portOf("policy-service").orElseThrow();
            int gatewayPort = stack.portOf("feedback-gateway").orElseThrow();

            for (LocalStack.Service s : services) {
                assertThat(grpcHealth(s.port(), trusting(pair))).as(s.name()).isEqualTo(ServingStatus.SERVING);
            }
            assertThat(call(policyPort, trusting(pair), channel -> PolicyServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS).listModels(ListModelsRequest.getDefaultInstance()))
                    .getServing().getKind()).isEqualTo(ModelKind.MODEL_KIND_POLICY);

            plaintextIsRefused(policyPort);
            clientsThatDoNotTrustThePairAreRefused(policyPort);
            chatRunsFromTheGatewayToPolicyServiceOverTls(gatewayPort, stack.gatewayApiKey(), https);
            bestOfNRunsFromPolicyServiceToRewardServiceOverTls(policyPort, pair);
            int rewardPort = stack.portOf("reward-service").orElseThrow();
            io.grpc.StatusRuntimeException unkeyed = org.assertj.core.api.Assertions.catchThrowableOfType(
                    io.grpc.StatusRuntimeException.class, () -> call(rewardPort, trusting(pair), channel ->
                            rlhf.reward.v1.RewardServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                                    .score(rlhf.reward.v1.ScoreRequest.newBuilder().setItem(rlhf.reward.v1.PromptAnswer
                                            .newBuilder().setText(rlhf.reward.v1.TextPair.newBuilder()
                                                    .setPrompt(Prompt.newBuilder().setText("Name 3 colors."))
                                                    .setAnswer("red"))).build())));
            assertThat(unkeyed.getStatus().getCode()).as("Score without the caller token, so BestOfN sent it")
                    .isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
        }
    }

    /** Plain HTTP and plaintext gRPC to the same port: the TLS server closes the connection (no redirect). */
    private static void plaintextIsRefused(int port) {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .as("plain HTTP to a TLS port").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> grpcHealth(port, InsecureChannelCredentials.create()))
                .as("plaintext gRPC to a TLS port").isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }

    /** HTTPS and gRPC over TLS with the JDK's default trust (public CAs, not the pair): the handshake fails. */
    private static void clientsThatDoNotTrustThePairAreRefused(int port) {
        HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
                + "/q/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> grpcHealth(port, TlsChannelCredentials.create()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e).hasRootCauseInstanceOf(CertPathBuilderException.class); // no path to a trusted CA
                });
    }

    /** POST /v1/chat over HTTPS: the gateway's answer comes from policy-service's served policy/v1. */
    private static void chatRunsFromTheGatewayToPolicyServiceOverTls(int gatewayPort, String apiKey, HttpClient https)
            throws Exception {
        String body = "{\"conversationId\":\"tls-1\",\"userId\":\"tls-user\",\"n\":1,\"seed\":7,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Name 3 colors.\"}]}";
        HttpResponse<String> reply = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gatewayPort
                        + "/v1/chat")).header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.version()).isEqualTo(HttpClient.Version.HTTP_2); // ALPN on the TLS port
        assertThat(reply.body()).contains("\"model\":{\"kind\":\"policy\",\"version\":1}");
    }

    /** BestOfN on policy-service over TLS: it scores its candidates with reward-service, over TLS too. */
    private static void bestOfNRunsFromPolicyServiceToRewardServiceOverTls(int policyPort, SelfSignedPair pair)
            throws Exception {
        BestOfNResponse best = call(policyPort, trusting(pair), channel -> PolicyServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS).bestOfN(BestOfNRequest.newBuilder()
                        .setPrompt(Prompt.newBuilder().setText("Name 3 colors."))
                        .setSampling(SamplingParams.newBuilder().setMaxNewTokens(MAX_NEW_TOKENS).setSeed(3)).setN(2)
                        .build()));
        assertThat(best.getRewardVersion()).isEqualTo(1);
        assertThat(best.getCandidatesList()).hasSize(2)
                .allSatisfy(c -> assertThat(Float.isFinite(c.getReward())).isTrue());
    }

    /**
     * A self-signed RSA pair for localhost made by keytool (PKCS12, SAN DNS:localhost and IP:127.0.0.1), written out
     * as the PEM files the services read: tls.crt and a PKCS#8 tls.key.
     */
    private static SelfSignedPair selfSignedPair(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path p12 = dir.resolve("pair.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "rlhf", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=DNS:localhost,IP:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(output).isZero();

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        Certificate certificate = store.getCertificate("rlhf");
        Path crt = Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", certificate.getEncoded()));
        Path key = Files.writeString(dir.resolve("tls.key"),
                pem("PRIVATE KEY", store.getKey("rlhf", STORE_PASSWORD.toCharArray()).getEncoded()));

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("rlhf", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
        return new SelfSignedPair(crt, key, trusting);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Tiny random sft/v1, policy/v1 and reward/v1 (byte tokenizer): enough to answer and to score. */
    private static void publishTinyModels(Path modelStore) {
        CheckpointStore store = new CheckpointStore(modelStore);
        GptConfig config = new GptConfig(ByteTokenizer.VOCAB_SIZE, CONTEXT, 1, 2, 16, 0f);
        try (ByteTokenizer tokenizer = new ByteTokenizer(); GptModel sft = GptModel.create(config, 1);
                GptModel reward = GptModel.create(config, 2)) {
            store.publish("sft", sft, tokenizer, Lineage.none());
            store.publish("policy", sft, tokenizer, Lineage.none());
            store.publish("reward", reward, tokenizer, Lineage.none());
        }
    }

    /**
     * Waits until a service answers {@code GET /q/health/ready} with 200 over HTTPS (LocalStack's own wait probes plain
     * HTTP, which a TLS port refuses); fails early, naming the log, when its process has exited.
     */
    private static void awaitReadyOverHttps(LocalStack stack, LocalStack.Service s, HttpClient https)
            throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(URI.create("https://localhost:" + s.port() + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            assertThat(stack.pid(s.name())).as(s.name() + " exited; see " + stack.log(s)).isPresent();
            try {
                HttpResponse<String> response = https.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError(s.name() + " not ready over HTTPS within 2 minutes (" + last + "); see " + stack.log(s));
    }

    private static ChannelCredentials trusting(SelfSignedPair pair) throws IOException {
        return TlsChannelCredentials.newBuilder().trustManager(pair.certificate().toFile()).build();
    }

    private static ServingStatus grpcHealth(int port, ChannelCredentials credentials) {
        return call(port, credentials, channel -> HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance()).getStatus());
    }

    private interface Call<T> {
        T on(ManagedChannel channel);
    }

    private static <T> T call(int port, ChannelCredentials credentials, Call<T> call) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", port, credentials).build();
        try {
            return call.on(channel);
        } finally {
            channel.shutdownNow();
        }
    }

    private static List<String> concat(List<String> flags, String more) {
        return java.util.stream.Stream.concat(flags.stream(), java.util.stream.Stream.of(more)).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
