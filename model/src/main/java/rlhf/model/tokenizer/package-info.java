/** Tokenizers (byte-level with chat-role tokens; any Hugging Face tokenizer.json) and chat templates. */
package rlhf.model.tokenizer;
