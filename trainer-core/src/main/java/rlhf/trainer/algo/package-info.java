/**
 * The trainer's math: losses, GAE, KL control, Elo, calibration. Plain Java + DJL only (no Quarkus, no gRPC,
 * no Kafka) so that every equation is testable without a container; an architecture test keeps it so.
 */
package rlhf.trainer.algo;
