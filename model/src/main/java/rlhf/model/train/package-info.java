/**
 * Training utilities that know nothing about RLHF: AdamW, global-norm clipping, warmup + cosine schedule, the
 * causal LM loss, a generic training loop with NDScope discipline, and a live-NDArray counter.
 */
package rlhf.model.train;
