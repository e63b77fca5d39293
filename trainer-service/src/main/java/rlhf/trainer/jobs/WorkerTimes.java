package rlhf.trainer.jobs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import rlhf.trainer.ppo.RolloutSample;

/**
 * The rollout workers' share of an iteration's time, from the rollouts themselves: each request's sampling and
 * scoring time (carried by every one of its n samples, so counted once per request).
 */
record WorkerTimes(double generationSeconds, double scoringSeconds) {

    static WorkerTimes of(List<RolloutSample> rollouts) {
        Map<String, RolloutSample> requests = new HashMap<>();
        for (RolloutSample r : rollouts) {
            requests.putIfAbsent(r.promptId() + "@v" + r.policyVersion() + "/i" + r.iteration(), r);
        }
        double generation = requests.values().stream().mapToDouble(RolloutSample::generationMs).sum();
        double scoring = requests.values().stream().mapToDouble(RolloutSample::scoringMs).sum();
        return new WorkerTimes(generation / 1000, scoring / 1000);
    }
}
