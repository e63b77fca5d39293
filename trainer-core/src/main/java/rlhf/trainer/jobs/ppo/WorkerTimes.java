package rlhf.trainer.jobs.ppo;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import rlhf.trainer.ppo.RolloutSample;

/**
 * The rollout workers' share of an iteration's wall-clock time. The trainer measures how long gathering the
 * iteration's rollouts took; the rollouts carry each request's sampling and scoring time (carried by every one of its
 * n samples, so counted once per request). Requests run concurrently (a worker batches them into shared engine
 * calls), so those per-request times add up to more than the wall time; the wall time is split between generation and
 * scoring in the proportion of the sums.
 *
 * @param generationSeconds wall-clock share of sampling
 * @param scoringSeconds wall-clock share of reward scoring
 * @param generationSumSeconds per-request sampling times, summed
 * @param scoringSumSeconds per-request scoring times, summed
 */
record WorkerTimes(double generationSeconds, double scoringSeconds, double generationSumSeconds,
        double scoringSumSeconds) {

    /** The split of {@code gatherSeconds} (the trainer's wall time waiting for these rollouts). */
    static WorkerTimes of(List<RolloutSample> rollouts, double gatherSeconds) {
        Map<String, RolloutSample> requests = new HashMap<>();
        for (RolloutSample r : rollouts) {
            requests.putIfAbsent(r.promptId() + "@v" + r.policyVersion() + "/i" + r.iteration(), r);
        }
        double generation = requests.values().stream().mapToDouble(RolloutSample::generationMs).sum();
        double scoring = requests.values().stream().mapToDouble(RolloutSample::scoringMs).sum();
        double sum = generation + scoring;
        double generationShare = sum > 0 ? generation / sum : 0;
        return new WorkerTimes(gatherSeconds * generationShare, gatherSeconds * (sum > 0 ? 1 - generationShare : 0),
                generation / 1000, scoring / 1000);
    }
}
