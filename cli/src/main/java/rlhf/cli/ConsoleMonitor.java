package rlhf.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

import rlhf.trainer.jobs.JobMonitor;
import rlhf.trainer.jobs.StepProgress;

/** Progress lines on the console, at most one per interval per phase plus the last step of each phase. */
final class ConsoleMonitor implements JobMonitor {

    private final PrintStream out;
    private final long intervalNanos;
    private long lastLine = System.nanoTime();

    ConsoleMonitor(PrintStream out, Duration interval) {
        this.out = out;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void progress(StepProgress p) {
        long now = System.nanoTime();
        if (now - lastLine < intervalNanos && p.step() != p.totalSteps() && p.step() != 1) {
            return;
        }
        lastLine = now;
        int width = 20;
        int filled = (int) (width * p.step() / Math.max(1, p.totalSteps()));
        out.printf(Locale.ROOT, "%s step %d/%d [%s%s] loss %.4f | %,.0f tok/s%n", p.phase(), p.step(), p.totalSteps(),
                "#".repeat(filled), ".".repeat(width - filled), p.loss(), p.tokensPerSecond());
        out.flush();
    }

    @Override
    public void log(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public boolean cancelRequested() {
        return false;
    }
}
