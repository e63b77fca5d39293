package rlhf.gateway.service;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import rlhf.feedback.v1.Comparison;

/**
 * What "the same comparison" means for idempotency: SHA-256 of the stored (scrubbed) comparison without the fields the
 * gateway sets itself (split, the over-cap flag, and created_at when the client left it out), so a retry of one
 * submission matches it.
 */
public final class ContentDigest {

    private ContentDigest() {
    }

    public static String of(Comparison stored) {
        return sha256(stored.toBuilder().clearSplit().clearCreatedAt().clearOverPromptCap().build().toByteArray());
    }

    /** The prompt's digest: what "the same prompt" means for the per-user cap. */
    public static String ofPrompt(Comparison stored) {
        return sha256(stored.getPrompt().toByteArray());
    }

    /** One SHA-256 per thread: looking the algorithm up for every comparison showed in the ingest profile (P5). */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    });

    private static final HexFormat HEX = HexFormat.of();

    private static String sha256(byte[] content) {
        return HEX.formatHex(SHA256.get().digest(content)); // digest() resets it for the next use
    }
}
