/**
 * Batched autoregressive generation with a preallocated KV cache and seeded, Java-side sampling (greedy,
 * temperature, top-k, top-p), stop conditions and streaming; results are plain arrays.
 */
package rlhf.model.generate;
