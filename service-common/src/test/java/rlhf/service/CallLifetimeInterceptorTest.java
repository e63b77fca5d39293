package rlhf.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CallLifetimeInterceptorTest {

    @Test
    void readsTheGrpcTimeoutHeaderInEveryUnit() {
        assertThat(CallLifetimeInterceptor.timeoutNanos("200m")).contains(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(CallLifetimeInterceptor.timeoutNanos("29999856u")).contains(TimeUnit.MICROSECONDS.toNanos(29_999_856));
        assertThat(CallLifetimeInterceptor.timeoutNanos("5S")).contains(TimeUnit.SECONDS.toNanos(5));
        assertThat(CallLifetimeInterceptor.timeoutNanos("2M")).contains(TimeUnit.MINUTES.toNanos(2));
        assertThat(CallLifetimeInterceptor.timeoutNanos("1H")).contains(TimeUnit.HOURS.toNanos(1));
        assertThat(CallLifetimeInterceptor.timeoutNanos("7n")).contains(7L);
    }

    @Test
    void ignoresAbsentOrMalformedHeaders() {
        assertThat(CallLifetimeInterceptor.timeoutNanos(null)).isEmpty();
        assertThat(CallLifetimeInterceptor.timeoutNanos("123456789m")).isEmpty(); // more than 8 digits
        assertThat(CallLifetimeInterceptor.timeoutNanos("10x")).isEmpty();
    }
}
