package dev.loky.internal.pool.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.loky.PoolConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Caches nobody else can write (real directories, real permissions), verified before reuse, and pruned. */
class CacheDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void aMissingDirectoryIsCreatedPrivate() throws Exception {
        Path dir = tmp.resolve("a").resolve("loky");
        assertThat(CacheDirectory.open(dir)).contains(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    /**
     * OpenSSH's StrictModes: a private cache directory inside a directory that another user owns is
     * refused, since that user can rename it away and plant {@code extracted-<hash>/app.jar} in its
     * place (before, the cache was accepted and root ran the planted jar). The other user is the
     * system's {@code nobody} (changing an owner needs root, as CI is; skipped otherwise).
     */
    /** A second local account, made for the test with {@code useradd} (needs root, as CI has; skipped otherwise). */
    private static final String OTHER_USER = "loky-other";

    private static boolean otherUserExists() throws Exception {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/sbin/runuser"))) {
            return false;
        }
        if (run("id", "-u", OTHER_USER) == 0) {
            return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin/useradd"))
                && run("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER_USER) == 0;
    }

    /** Runs a command as {@link #OTHER_USER}; its exit code. */
    private static int asOtherUser(String... command) throws Exception {
        List<String> full = new java.util.ArrayList<>(List.of("/usr/sbin/runuser", "-u", OTHER_USER, "--"));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    /**
     * The attack with a real second account: in a directory that account owns, it can move our
     * private cache away and plant its own in its place, so loky refuses such a cache; in a private
     * directory under a sticky, root-owned one (as {@code /tmp}), it can neither list nor move ours.
     */
    @Test
    void aRealSecondAccountCanReplaceACacheOnlyWhereLokyRefusesIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(otherUserExists(), "needs root, runuser and useradd");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x")); // reachable by the other account

        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(OTHER_USER));
        Path ours = Files.createDirectory(theirs.resolve("loky"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThat(asOtherUser("mv", ours.toString(), theirs.resolve("moved").toString())).as("the attack works on the file system").isZero();
        assertThat(asOtherUser("mkdir", "-p", ours.resolve("extracted-0").toString())).as("and plants its own").isZero();
        assertThat(CacheDirectory.problem(ours)).hasValueSatisfying(p -> assertThat(p).contains("owned by " + OTHER_USER));
        assertThat(CacheDirectory.open(ours)).as("so loky refuses the cache there").isEmpty();

        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(run("chmod", "+t", shared.toString())).isZero();
        Path safe = shared.resolve("loky");
        assertThat(CacheDirectory.open(safe)).contains(safe);
        assertThat(asOtherUser("ls", safe.toString())).as("cannot list it").isNotZero();
        assertThat(asOtherUser("mv", safe.toString(), shared.resolve("moved").toString())).as("cannot move it (sticky)").isNotZero();
        assertThat(asOtherUser("touch", safe.resolve("planted").toString())).as("cannot write in it").isNotZero();
    }

    @Test
    void aPrivateDirectoryInsideAnotherUsersDirectoryIsNotUsed() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to give a directory away");
        Path theirs = Files.createDirectory(tmp.resolve("theirs"));
        Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setOwner(theirs, theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        Path dir = theirs.resolve("loky");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThat(CacheDirectory.problem(dir)).hasValueSatisfying(p -> assertThat(p).contains(theirs + " is owned by nobody"));
        assertThat(CacheDirectory.open(dir)).isEmpty();
    }

    @Test
    void aPrivateDirectoryUnderAWritableButNotStickyParentIsNotUsedButUnderAStickyOneItIs() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path dir = Files.createDirectory(shared.resolve("loky"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThat(CacheDirectory.problem(dir)).hasValueSatisfying(p -> assertThat(p).contains("writable by others").contains("not sticky"));
        Files.setAttribute(shared, "unix:mode", 01777);
        assertThat(CacheDirectory.problem(dir)).isEmpty();
    }

    @Test
    void aPreCreatedWorldWritableDirectoryIsNotUsed() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("planted"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThat(CacheDirectory.open(dir)).isEmpty();
        assertThat(CacheDirectory.problem(dir)).hasValueSatisfying(p -> assertThat(p).contains("writable by others"));
        // nor by the startup cache built on it
        assertThat(StartupCache.forCommand(dir, Path.of(System.getProperty("java.home")), command())).isNull();
    }

    @Test
    void aGroupWritableDirectoryOrASymbolicLinkIsNotUsed() throws Exception {
        Path group = Files.createDirectory(tmp.resolve("group"));
        Files.setPosixFilePermissions(group, PosixFilePermissions.fromString("rwxrwx---"));
        assertThat(CacheDirectory.open(group)).isEmpty();

        Path target = Files.createDirectory(tmp.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        assertThat(CacheDirectory.open(link)).isEmpty();
    }

    @Test
    void aTamperedStartupCacheIsNotUsedAndIsRecordedAgain() throws Exception {
        Path dir = tmp.resolve("cache");
        Path javaHome = Path.of(System.getProperty("java.home"));
        StartupCache cache = StartupCache.forCommand(dir, javaHome, command());
        assertThat(cache).isNotNull();
        StartupCache.Plan first = cache.plan();
        assertThat(first.jvmArgs()).isEmpty();
        Files.writeString(first.recording().temporary(), "an archive");
        cache.recorded(first.recording(), 0, "");
        assertThat(cache.plan().jvmArgs()).hasSize(1);

        // another pool (a fresh start) finds it intact and uses it
        String flag = StartupCache.forCommand(dir, javaHome, command()).plan().jvmArgs().get(0);
        Path file = Path.of(flag.substring(flag.indexOf('=') + 1));
        assertThat(file).hasContent("an archive");

        Files.writeString(file, "tampered");
        StartupCache.Plan again = StartupCache.forCommand(dir, javaHome, command()).plan();
        assertThat(again.jvmArgs()).isEmpty();
        assertThat(again.recording()).as("recorded again").isNotNull();
        assertThat(file).doesNotExist();

        // a link planted in place of the cache file is not followed
        Path outside = Files.writeString(tmp.resolve("outside.jsa"), "x");
        Files.createSymbolicLink(file, outside);
        assertThat(StartupCache.forCommand(dir, javaHome, command()).plan().jvmArgs()).isEmpty();
    }

    @Test
    void theNextStartOfTheApplicationFindsTheCacheAlthoughItsCrashReportDirectoryIsNew() throws Exception {
        Path dir = tmp.resolve("restarts");
        Path javaHome = Path.of(System.getProperty("java.home"));
        StartupCache firstRun = StartupCache.forCommand(dir, javaHome, withErrorFile(command(), "/tmp/loky-worker-errors-111"));
        StartupCache.Plan recording = firstRun.plan();
        Files.writeString(recording.recording().temporary(), "an archive");
        firstRun.recorded(recording.recording(), 0, "");

        StartupCache nextRun = StartupCache.forCommand(dir, javaHome, withErrorFile(command(), "/tmp/loky-worker-errors-222"));
        assertThat(nextRun.plan().jvmArgs()).as("the same cache, not a new recording").isEqualTo(firstRun.plan().jvmArgs());
    }

    private static List<String> withErrorFile(List<String> command, String errorDir) {
        List<String> with = new java.util.ArrayList<>(command);
        with.add(1, "-XX:ErrorFile=" + errorDir + "/loky-worker-hs_err_pid%p.log");
        return with;
    }

    @Test
    void eachInitializerVariantHasAStartupCacheOfItsOwn() throws Exception {
        Path dir = tmp.resolve("variants");
        Path javaHome = Path.of(System.getProperty("java.home"));
        StartupCache plain = StartupCache.forCommand(dir, javaHome, command());
        StartupCache.Plan recording = plain.plan();
        Files.writeString(recording.recording().temporary(), "the slim boot");
        plain.recorded(recording.recording(), 0, "");

        assertThat(StartupCache.forCommand(dir, javaHome, command(), "").plan().jvmArgs())
                .as("the empty variant is the command's own cache").isEqualTo(plain.plan().jvmArgs());
        StartupCache warm = StartupCache.forCommand(dir, javaHome, command(), "clinicService");
        assertThat(warm.existing()).as("nothing recorded for it yet").isEmpty();
        assertThat(plain.existing()).as("what a worker of the new variant starts from meanwhile").isEqualTo(plain.plan().jvmArgs());
        StartupCache.Plan warmPlan = warm.plan();
        assertThat(warmPlan.jvmArgs()).as("not the slim boot's cache").isEmpty();
        assertThat(warmPlan.recording()).as("recorded by a worker in that variant").isNotNull();
        Files.writeString(warmPlan.recording().temporary(), "the boot with JPA");
        warm.recorded(warmPlan.recording(), 0, "");

        String flag = StartupCache.forCommand(dir, javaHome, command(), "clinicService").plan().jvmArgs().get(0);
        assertThat(Path.of(flag.substring(flag.indexOf('=') + 1))).hasContent("the boot with JPA");
        String plainFlag = plain.plan().jvmArgs().get(0);
        assertThat(Path.of(plainFlag.substring(plainFlag.indexOf('=') + 1))).hasContent("the slim boot");
    }

    @Test
    void pruningRemovesTheOldestEntriesUntilUnderTheLimit() throws Exception {
        Path dir = CacheDirectory.open(tmp.resolve("prune")).orElseThrow();
        long now = System.currentTimeMillis();
        Path oldest = entry(dir, "oldest.jsa", 400, now - 3_600_000);
        Path old = Files.createDirectory(dir.resolve("extracted-old"));
        Files.write(old.resolve("app.jar"), new byte[400]);
        Files.setLastModifiedTime(old, FileTime.fromMillis(now - 1_800_000));
        Path newer = entry(dir, "newer.jsa", 400, now - 600_000);
        Path fresh = entry(dir, "fresh.jsa", 400, now);

        CacheDirectory.prune(dir, 900);

        assertThat(oldest).doesNotExist();
        assertThat(old).doesNotExist();
        assertThat(newer).exists();
        assertThat(fresh).exists();
    }

    private static Path entry(Path dir, String name, int size, long modified) throws Exception {
        Path file = Files.write(dir.resolve(name), new byte[size]);
        Files.setLastModifiedTime(file, FileTime.fromMillis(modified));
        return file;
    }

    private static List<String> command() {
        return List.of("java", "-cp", "/nonexistent/app.jar", "Main");
    }
}
