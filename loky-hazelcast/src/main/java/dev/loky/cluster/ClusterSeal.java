package dev.loky.cluster;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Authenticates and encrypts every loky message on the cluster (calls, outcomes, load entries,
 * snapshots) with a key derived from the shared secret: Hazelcast open source has neither TLS nor
 * authentication, so whoever reaches a member's port and knows the cluster name is a member or a
 * client, and must not be able to run a call, read a payload, forge an answer or steer routing.
 *
 * <p>A sealed message is {@code version | timestamp | sender | recipient | nonce | AES-GCM(payload)}.
 * The key is HMAC-SHA256 of a fixed label under the secret; the nonce is fresh per message (96
 * random bits); the header and the message's purpose are the authenticated data, so a message
 * cannot be replayed for another purpose, to another member (the recipient must be this member, or
 * nobody in particular for broadcasts), or after {@link #WINDOW_MILLIS}; a call's nonce is remembered
 * for that window, so a captured call cannot run twice. A message that does not verify is counted
 * ({@link #rejected()}) and never read.
 *
 * <p>Thread-safe.
 */
final class ClusterSeal {

    /** What a message is for; part of its authenticated data. */
    enum Purpose { CALL, OUTCOME, LOAD, SNAPSHOT_REQUEST, SNAPSHOT }

    /** A message older or newer than this (clock skew included) is refused. */
    static final long WINDOW_MILLIS = 60_000;
    /** The least secret accepted, in bytes. */
    static final int MIN_SECRET_BYTES = 32;
    /** Broadcasts (loads, snapshot requests) are addressed to nobody in particular. */
    static final UUID ANYONE = new UUID(0, 0);

    private static final byte VERSION = 1;
    private static final int HEADER = 1 + 8 + 16 + 16;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final LongSupplier clock;
    private final AtomicLong rejected = new AtomicLong();
    /** Nonces of calls accepted within the window, with when they may be forgotten. */
    private final Map<ByteBuffer, Long> seenCalls = new ConcurrentHashMap<>();

    ClusterSeal(byte[] secret, LongSupplier clock) {
        this.key = new SecretKeySpec(derive(secret, "loky-cluster-v1/aes-256-gcm"), "AES");
        this.clock = clock;
    }

    /**
     * The secret's bytes: base64 or hex text, at least {@value #MIN_SECRET_BYTES} bytes once decoded.
     *
     * @throws IllegalArgumentException naming what is wrong and how to make one
     */
    static byte[] parseSecret(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no cluster secret: every member needs the same secret of at least "
                    + MIN_SECRET_BYTES + " bytes (base64 or hex), e.g. from `openssl rand -base64 32`");
        }
        String trimmed = text.strip();
        byte[] bytes;
        if (trimmed.matches("(?i)[0-9a-f]+") && trimmed.length() % 2 == 0) {
            bytes = HexFormat.of().parseHex(trimmed);
        } else {
            try {
                bytes = Base64.getDecoder().decode(trimmed);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the cluster secret is neither hex nor base64; make one with `openssl rand -base64 32`");
            }
        }
        if (bytes.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the cluster secret has " + bytes.length + " bytes, fewer than the "
                    + MIN_SECRET_BYTES + " required; make one with `openssl rand -base64 32`");
        }
        return bytes;
    }

    private static byte[] derive(byte[] secret, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no HmacSHA256", e);
        }
    }

    /** Seals {@code payload} from {@code sender} to {@code recipient} ({@link #ANYONE} for a broadcast). */
    byte[] seal(Purpose purpose, UUID sender, UUID recipient, byte[] payload) {
        ByteBuffer header = ByteBuffer.allocate(HEADER + NONCE);
        header.put(VERSION).putLong(clock.getAsLong())
                .putLong(sender.getMostSignificantBits()).putLong(sender.getLeastSignificantBits())
                .putLong(recipient.getMostSignificantBits()).putLong(recipient.getLeastSignificantBits());
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        header.put(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(purpose, header.array()));
            byte[] sealed = cipher.doFinal(payload);
            return ByteBuffer.allocate(HEADER + NONCE + sealed.length).put(header.array()).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /**
     * The payload of a message sealed for {@code purpose} to {@code self} (or to anyone), by
     * {@code expectedSender} when it is not {@code null}; {@code null} when it does not verify (wrong
     * key, tampered, another purpose or recipient, outside the window, a replayed call, not bytes at
     * all), which is counted.
     */
    Opened open(Purpose purpose, Object message, UUID expectedSender, UUID self) {
        Opened opened = message instanceof byte[] bytes ? verify(purpose, bytes, expectedSender, self) : null;
        if (opened == null) {
            rejected.incrementAndGet();
        }
        return opened;
    }

    private Opened verify(Purpose purpose, byte[] bytes, UUID expectedSender, UUID self) {
        if (bytes.length < HEADER + NONCE + TAG_BITS / 8 || bytes[0] != VERSION) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.get();
        long timestamp = in.getLong();
        UUID sender = new UUID(in.getLong(), in.getLong());
        UUID recipient = new UUID(in.getLong(), in.getLong());
        if (Math.abs(clock.getAsLong() - timestamp) > WINDOW_MILLIS || (expectedSender != null && !expectedSender.equals(sender))
                || !(recipient.equals(self) || recipient.equals(ANYONE))) {
            return null;
        }
        byte[] header = java.util.Arrays.copyOf(bytes, HEADER + NONCE);
        byte[] payload;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, HEADER, NONCE));
            cipher.updateAAD(aad(purpose, header));
            payload = cipher.doFinal(bytes, HEADER + NONCE, bytes.length - HEADER - NONCE);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        if (purpose == Purpose.CALL && !firstTime(ByteBuffer.wrap(java.util.Arrays.copyOfRange(bytes, HEADER, HEADER + NONCE)))) {
            return null;
        }
        return new Opened(sender, payload);
    }

    private boolean firstTime(ByteBuffer nonce) {
        long now = clock.getAsLong();
        if (seenCalls.size() > 10_000) {
            seenCalls.values().removeIf(forgetAt -> forgetAt < now);
        }
        return seenCalls.putIfAbsent(nonce, now + 2 * WINDOW_MILLIS) == null;
    }

    private static byte[] aad(Purpose purpose, byte[] header) {
        byte[] label = purpose.name().getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(label.length + header.length).put(label).put(header).array();
    }

    /** Messages refused since this member started ({@code loky.cluster.rejected}). */
    long rejected() {
        return rejected.get();
    }

    /** A verified message: who sealed it, and what it says. */
    record Opened(UUID sender, byte[] payload) {
    }
}
