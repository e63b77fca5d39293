package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusMessageInterceptorTest {

    @Test
    void printableAsciiTravelsAsItIs() {
        assertThat(StatusMessageInterceptor.encode("prompt: required (set text or chat)"))
                .isEqualTo("prompt: required (set text or chat)");
        assertThat(StatusMessageInterceptor.encode("items[3].answer: 5000 > max 4096; a+b=c & d/e? ~!*'\"<>"))
                .isEqualTo("items[3].answer: 5000 > max 4096; a+b=c & d/e? ~!*'\"<>");
    }

    @Test
    void percentControlAndNonAsciiBytesArePercentEncodedUtf8() {
        // '%' = 0x25; '\n' = 0x0A; 'é' = U+00E9 = C3 A9 in UTF-8; '€' = U+20AC = E2 82 AC; DEL = 0x7F
        assertThat(StatusMessageInterceptor.encode("100% sure")).isEqualTo("100%25 sure");
        assertThat(StatusMessageInterceptor.encode("line 1\nline 2")).isEqualTo("line 1%0Aline 2");
        assertThat(StatusMessageInterceptor.encode("café €5\u007f")).isEqualTo("caf%C3%A9 %E2%82%AC5%7F");
    }

    @Test
    void longDescriptionsAreCutSayingSoAndShortOnesKept() {
        assertThat(StatusMessageInterceptor.bounded("job_id: no job 'x' in this trainer"))
                .isEqualTo("job_id: no job 'x' in this trainer");
        String echoed = "job_id: no job '" + "é".repeat(100_000) + "' in this trainer";
        String cut = StatusMessageInterceptor.bounded(echoed);
        assertThat(cut).startsWith("job_id: no job 'éé").endsWith("… (cut at 500 of 100033 characters)");
        assertThat(StatusMessageInterceptor.encode(cut).length()).isLessThan(6_200);
    }

    @Test
    void aRefusalFromAnInterceptorCarriesItsDescriptionSpecEncodedInTheTrailer() {
        io.grpc.Status[] closed = new io.grpc.Status[1];
        io.grpc.Metadata[] trailers = new io.grpc.Metadata[1];
        io.grpc.ServerCall<Object, Object> call = new io.grpc.ServerCall<>() {
            @Override
            public void request(int numMessages) {
            }

            @Override
            public void sendHeaders(io.grpc.Metadata headers) {
            }

            @Override
            public void sendMessage(Object message) {
            }

            @Override
            public void close(io.grpc.Status status, io.grpc.Metadata t) {
                closed[0] = status;
                trailers[0] = t;
            }

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public io.grpc.MethodDescriptor<Object, Object> getMethodDescriptor() {
                return null;
            }
        };

        StatusMessageInterceptor.refuse(call, io.grpc.Status.UNAUTHENTICATED.withDescription("authorization: 100% é"));

        assertThat(closed[0].getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
        assertThat(closed[0].getDescription()).as("not left to the server's own encoding").isNull();
        assertThat(trailers[0].get(StatusMessageInterceptor.GRPC_MESSAGE)).isEqualTo("authorization: 100%25 %C3%A9");
    }
}
