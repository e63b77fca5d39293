package rlhf.reward.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CallContextInterceptorTest {

    @Test
    void readsTheGrpcTimeoutHeaderInEveryUnit() {
        assertThat(CallContextInterceptor.timeoutNanos("200m")).contains(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(CallContextInterceptor.timeoutNanos("29999856u")).contains(TimeUnit.MICROSECONDS.toNanos(29_999_856));
        assertThat(CallContextInterceptor.timeoutNanos("5S")).contains(TimeUnit.SECONDS.toNanos(5));
        assertThat(CallContextInterceptor.timeoutNanos("2M")).contains(TimeUnit.MINUTES.toNanos(2));
        assertThat(CallContextInterceptor.timeoutNanos("1H")).contains(TimeUnit.HOURS.toNanos(1));
        assertThat(CallContextInterceptor.timeoutNanos("7n")).contains(7L);
    }

    @Test
    void ignoresAbsentOrMalformedHeaders() {
        assertThat(CallContextInterceptor.timeoutNanos(null)).isEmpty();
        assertThat(CallContextInterceptor.timeoutNanos("123456789m")).isEmpty(); // more than 8 digits
        assertThat(CallContextInterceptor.timeoutNanos("10x")).isEmpty();
    }
}
