/**
 * One PPO iteration's learning, as plain Java + DJL (no Kafka, no Quarkus): rollouts → recomputed log-probs, SFT
 * reference log-probs and values → shaped per-token rewards → GAE → epochs of clipped-PPO minibatches. The equations
 * live in {@code rlhf.trainer.algo}; this package assembles them. The job ({@code jobs.PpoJob}) moves rollouts in and
 * versions out.
 */
package rlhf.trainer.ppo;
