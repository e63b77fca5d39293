/**
 * The shared backbone of policy, reward model and value function: plain Java + DJL, no Quarkus, no transport.
 *
 * <p>{@link rlhf.model.GptModel} is a GPT-2 decoder with LM, reward and value heads; {@link rlhf.model.TokenBatch}
 * and {@link rlhf.model.AttentionBias} turn padded token lists into the tensors it reads; {@link rlhf.model.KvCache}
 * holds the preallocated keys and values used by {@code rlhf.model.generate}.
 */
package rlhf.model;
