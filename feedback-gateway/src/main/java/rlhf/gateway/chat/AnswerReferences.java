package rlhf.gateway.chat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import rlhf.common.v1.ModelRef;
import rlhf.common.v1.Prompt;
import rlhf.gateway.config.GatewayConfig;
import rlhf.service.InvalidInputException;

/**
 * Tamper-evident references to served answers, so feedback can name what the gateway served without the gateway keeping
 * any chat: {@code r1.} + base64url(HMAC-SHA256(key, what was served)), where what was served is the conversation id,
 * the user id, the answer's index, the model's kind and version, and the SHA-256 of the prompt and of the answer's text. Changing
 * any of them, or forging a reference without the key, fails {@link #verify}.
 */
@ApplicationScoped
public class AnswerReferences {

    /** What one reference vouches for. */
    public record Served(String conversationId, String userId, int index, ModelRef model, String promptDigest,
            String text) {
    }

    private static final Logger LOG = Logger.getLogger(AnswerReferences.class);
    private static final String PREFIX = "r1.";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    @Inject
    public AnswerReferences(GatewayConfig config) {
        this(config.chat().answerKey());
    }

    AnswerReferences(Optional<String> configured) {
        byte[] secret;
        if (configured.isPresent()) {
            secret = configured.get().getBytes(StandardCharsets.UTF_8);
        } else {
            secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            LOG.warn("rlhf.gateway.chat.answer-key is not set: answer references are signed with a random key of this "
                    + "process, valid only on this replica until it restarts");
        }
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    /** The reference of one served answer. */
    public String sign(Served served) {
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(served));
    }

    /**
     * @throws InvalidInputException naming {@code field} when the reference is malformed, forged, or was issued for
     *                               another conversation, index, model, prompt or text
     */
    public void verify(String reference, Served served, String field) {
        if (reference == null || reference.isEmpty()) {
            throw new InvalidInputException(field, "required: the reference the gateway served with this answer");
        }
        if (!reference.startsWith(PREFIX) || reference.length() > 128) {
            throw new InvalidInputException(field, "not an answer reference of this gateway");
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(reference.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "not an answer reference of this gateway");
        }
        if (!MessageDigest.isEqual(given, mac(served))) {
            throw new InvalidInputException(field, "does not match the answer served: the text, model, prompt, index "
                    + "or conversation differs from what the gateway served, or the reference is forged");
        }
    }

    /** SHA-256 of a text, hex. */
    public static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of a prompt's protobuf bytes, hex: what a reference binds the answer to. */
    public static String digest(Prompt prompt) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(prompt.toByteArray()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] mac(Served s) {
        // Length-prefixed fields, so no two different tuples share a canonical form.
        StringBuilder canonical = new StringBuilder();
        for (String part : new String[] {s.conversationId(), s.userId(), Integer.toString(s.index()), s.model().getKind().name(),
            Long.toString(s.model().getVersion()), s.promptDigest(), digest(s.text())}) {
            canonical.append(part.length()).append(':').append(part).append(';');
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(canonical.toString().getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
