package rlhf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code rlhf soak}'s command line: every option with its default in the help, bad values refused by option name. */
class SoakCommandTest {

    private record Run(int status, String out, String err) {
    }

    private static Run rlhf(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Rlhf.commandLine();
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        int status = line.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void helpShowsEveryOptionWithItsDefault() {
        Run run = rlhf("soak", "--help");
        assertThat(run.status()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).contains("--minutes=N", "(default: 5)", "--work-dir=DIR",
                "(default: target/soak)", "--clients=C", "(default: 2)", "--warmup-seconds=S",
                "a tenth of the load, at least 30", "--ppo-iterations=N", "(default: 20)", "--max-rss-growth=PCT",
                "--array-slack=N", "--kafka-port=PORT", "--seed=N", "Exit code 0 only");
    }

    @Test
    void aTooShortSoakIsAUsageErrorNamingTheOption() {
        Run run = rlhf("soak", "--minutes", "0.1");
        assertThat(run.status()).isEqualTo(Rlhf.USAGE);
        assertThat(run.err()).contains("--minutes: 6 s < 20 s", "Usage: rlhf soak");
    }

    @Test
    void aWarmUpAsLongAsTheLoadIsRefused() {
        Run run = rlhf("soak", "--minutes", "1", "--warmup-seconds", "60");
        assertThat(run.status()).isEqualTo(Rlhf.USAGE);
        assertThat(run.err()).contains("--warmup-seconds: 60 s must be in [0, load)");
    }
}
