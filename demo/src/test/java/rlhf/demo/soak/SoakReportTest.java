package rlhf.demo.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import rlhf.demo.soak.SoakReport.KindRow;
import rlhf.demo.soak.SoakReport.PpoRow;
import rlhf.demo.soak.SoakReport.ServiceRow;

/** The soak's verdict fails on each thing it checks, and its percentiles are nearest-rank. */
class SoakReportTest {

    private static final SoakSettings SETTINGS = SoakSettings.of(Duration.ofMinutes(5)).withMaxRssGrowth(0.10)
            .withArraySlack(2);

    @Test
    void aCleanRunPasses() {
        SoakReport report = report(rows(0), rows(0), List.of(service("policy-service", 100, 105, 63, 65)), 3);
        assertThat(report.failures()).isEmpty();
        assertThat(report.passed()).isTrue();
        assertThat(report.markdown()).contains("| chat | 10 | 0 |", "| policy-service | 100 | 105 | +5.0% | 40.0 | 41.0 | 63 | 65 |",
                "Verdict: PASSED");
    }

    @Test
    void errorsInEitherPhaseFailIt() {
        List<KindRow> warmup = rows(0);
        warmup.set(1, new KindRow("comparison", "", 10, 1, Map.of("HTTP 503", 1L), 0.1, 1, 2, 3));
        SoakReport report = report(rows(0), warmup, List.of(), 3);
        assertThat(report.failures()).containsExactly("comparison: 1 errors {HTTP 503=1}");
    }

    @Test
    void growthBeyondTheBoundsAKindNeverCalledAndNoPpoVersionFailIt() {
        List<KindRow> measured = rows(0);
        measured.set(3, new KindRow("score", "", 0, 0, Map.of(), 0, Double.NaN, Double.NaN, Double.NaN));
        SoakReport report = report(measured, rows(0), List.of(service("policy-service", 100, 111, 63, 66),
                service("feedback-gateway", 100, 109, -1, -1)), 0);
        assertThat(report.failures()).containsExactly("score: no calls in the measured window",
                "ppo: no version published in the measured window",
                "policy-service: RSS grew 11.0% (100 -> 111 MB) > 10%",
                "policy-service: live NDArrays grew 63 -> 66 (> start + 2)");
        assertThat(report.markdown()).contains("Verdict: FAILED: score: no calls");
    }

    @Test
    void theGatewayMayGrowByItsIndexOfAppendedComparisons() {
        List<KindRow> measured = rows(0);
        measured.set(1, new KindRow("comparison", "", 20_480, 0, Map.of(), 0, 1, 2, 3)); // 20 MB of allowance
        assertThat(report(measured, rows(0), List.of(service("feedback-gateway", 100, 130, -1, -1)), 3).failures())
                .isEmpty();
        assertThat(report(measured, rows(0), List.of(service("feedback-gateway", 100, 131, -1, -1)), 3).failures())
                .containsExactly("feedback-gateway: RSS grew 31.0% (100 -> 131 MB) > 10% + 20 MB for 20480 comparisons");
        assertThat(report(measured, rows(0), List.of(service("policy-service", 100, 111, 63, 63)), 3).failures())
                .containsExactly("policy-service: RSS grew 11.0% (100 -> 111 MB) > 10%");
    }

    @Test
    void percentilesAreNearestRank() {
        CallStats stats = new CallStats();
        for (int ms = 100; ms >= 1; ms--) {
            stats.success(ms * 1_000_000L);
        }
        stats.error("UNAVAILABLE");
        CallStats.Summary s = stats.summary();
        assertThat(s.calls()).isEqualTo(101);
        assertThat(s.errors()).isEqualTo(1);
        assertThat(s.errorsByStatus()).containsExactly(Map.entry("UNAVAILABLE", 1L));
        assertThat(new double[] {s.p50Ms(), s.p95Ms(), s.p99Ms()}).containsExactly(50, 95, 99);
        assertThat(new CallStats().summary().p99Ms()).isNaN();
    }

    private static SoakReport report(List<KindRow> measured, List<KindRow> warmup, List<ServiceRow> services,
            int published) {
        return SoakReport.of("2026-12-06T00:00:00Z", SETTINGS, 270, measured, warmup, services,
                new PpoRow(2, published, published + 1, 8));
    }

    private static List<KindRow> rows(long errors) {
        List<KindRow> rows = new ArrayList<>();
        for (LoadKind kind : LoadKind.values()) {
            rows.add(new KindRow(kind.label(), kind.call(), 10, errors, Map.of(), errors / 10.0, 1, 2, 3));
        }
        return rows;
    }

    private static ServiceRow service(String name, long rssStartMb, long rssEndMb, long arraysStart, long arraysEnd) {
        return new ServiceRow(name, rssStartMb * 1024, rssEndMb * 1024, 40 * 1024, 41 * 1024, arraysStart, arraysEnd);
    }
}
