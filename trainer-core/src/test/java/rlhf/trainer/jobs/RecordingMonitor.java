package rlhf.trainer.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A monitor that remembers everything and can be told to cancel. */
public class RecordingMonitor implements JobMonitor {

    public final List<StepProgress> steps = new ArrayList<>();
    public final List<String> lines = new ArrayList<>();
    public final Map<String, Double> metrics = new ConcurrentHashMap<>();
    public volatile boolean cancel;

    @Override
    public void progress(StepProgress progress) {
        steps.add(progress);
    }

    @Override
    public void metric(String name, double value) {
        metrics.put(name, value);
    }

    @Override
    public void log(String line) {
        lines.add(line);
        System.out.println(line);
    }

    @Override
    public boolean cancelRequested() {
        return cancel;
    }
}
