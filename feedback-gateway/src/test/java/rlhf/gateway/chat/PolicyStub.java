package rlhf.gateway.chat;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import rlhf.common.v1.ModelKind;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.policy.v1.Completion;
import rlhf.policy.v1.FinishReason;
import rlhf.policy.v1.GenerateRequest;
import rlhf.policy.v1.GenerateResponse;
import rlhf.policy.v1.GenerateStreamChunk;
import rlhf.policy.v1.PolicyServiceGrpc;

/**
 * A stand-in policy-service on a real gRPC port, for the gateway's tests: fixed answers of policy v7 (answer i of the
 * list below), streamed a few characters at a time; a prompt containing "slow" answers after 5 s (past the test's 2 s
 * deadline), one containing "no policy" answers UNAVAILABLE as policy-service does before a model is loaded.
 */
public class PolicyStub implements QuarkusTestResourceLifecycleManager {

    public static final ModelRef MODEL = ModelRef.newBuilder().setKind(ModelKind.MODEL_KIND_POLICY).setVersion(7).build();
    public static final List<String> ANSWERS = List.of("The answer is 12.", "12.",
            "Sorry, I can't help with that.", "13.", "Sure! 12. I hope that helps. " + "Here is more. ".repeat(30));

    private Server server;

    @Override
    public Map<String, String> start() {
        try {
            server = ServerBuilder.forPort(0).addService(new Service()).build().start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String port = Integer.toString(server.getPort());
        // test-port: in test mode a Quarkus gRPC client dials it, not port
        return Map.of("quarkus.grpc.clients.policy.host", "localhost", "quarkus.grpc.clients.policy.port", port,
                "quarkus.grpc.clients.policy.test-port", port);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    static String text(int index) {
        return ANSWERS.get(index % ANSWERS.size());
    }

    private static final class Service extends PolicyServiceGrpc.PolicyServiceImplBase {

        @Override
        public void generate(GenerateRequest request, StreamObserver<GenerateResponse> out) {
            if (refused(request, out)) {
                return;
            }
            // a named version answers as itself (a labeling task that compares versions), else the served one
            GenerateResponse.Builder r = GenerateResponse.newBuilder()
                    .setModel(request.hasModel() ? request.getModel() : MODEL);
            for (int i = 0; i < Math.max(1, request.getN()); i++) {
                r.addCompletions(Completion.newBuilder().setIndex(i).setText(text(i))
                        .setFinishReason(FinishReason.FINISH_REASON_END_OF_TEXT));
            }
            out.onNext(r.build());
            out.onCompleted();
        }

        @Override
        public void generateStream(GenerateRequest request, StreamObserver<GenerateStreamChunk> out) {
            if (refused(request, out)) {
                return;
            }
            int n = Math.max(1, request.getN());
            int longest = 0;
            for (int i = 0; i < n; i++) {
                longest = Math.max(longest, text(i).length());
            }
            for (int at = 0; at < longest; at += 4) {
                for (int i = 0; i < n; i++) {
                    String t = text(i);
                    if (at < t.length()) {
                        out.onNext(GenerateStreamChunk.newBuilder().setIndex(i).setTokenId(at)
                                .setTextDelta(t.substring(at, Math.min(t.length(), at + 4))).setModel(MODEL).build());
                    }
                }
                sleep(15);
            }
            for (int i = 0; i < n; i++) {
                out.onNext(GenerateStreamChunk.newBuilder().setIndex(i).setTokenId(-1).setFinished(true)
                        .setFinishReason(FinishReason.FINISH_REASON_END_OF_TEXT).setModel(MODEL).build());
            }
            out.onCompleted();
        }

        private static boolean refused(GenerateRequest request, StreamObserver<?> out) {
            String prompt = lastText(request.getPrompt());
            if (prompt.contains("no policy")) {
                out.onError(Status.UNAVAILABLE.withDescription("no policy or SFT model loaded yet").asRuntimeException());
                return true;
            }
            if (prompt.contains("slow")) {
                sleep(5000);
            }
            return false;
        }

        private static String lastText(Prompt p) {
            return p.hasChat() ? p.getChat().getMessages(p.getChat().getMessagesCount() - 1).getContent() : p.getText();
        }

        private static void sleep(long ms) {
            try {
                TimeUnit.MILLISECONDS.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
