/**
 * Evaluation of policy versions against the SFT policy, as plain Java + DJL (no Quarkus, no gRPC, no Kafka): sampled
 * answers, their KL to the reference and their reward-model scores. The equations it reports with (KL estimators, Elo,
 * the √KL fit) live in {@code rlhf.trainer.algo}; judging answers for quality is the outside world's job (the task
 * world's rubric in {@code demo/}), never the trainer's. An architecture test keeps this package free of transports.
 */
package rlhf.trainer.eval;
