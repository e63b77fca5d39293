/** Teacher-forced scoring: per-token log-probs, entropies and values, and the reward head's score. */
package rlhf.model.score;
