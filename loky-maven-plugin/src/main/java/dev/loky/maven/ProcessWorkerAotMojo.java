package dev.loky.maven;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the loky worker context of a Spring Boot application through Spring's AOT engine and
 * compiles the generated initializer into the application's classes, beside Spring Boot's own
 * {@code process-aot}: workers then boot their context from generated code instead of parsing
 * configuration classes and evaluating conditions. Workers use the output only while it matches
 * the application's classes, sources and profiles, and otherwise boot as without it (one INFO
 * line at start-up says why).
 *
 * <p>The work runs in a JVM of its own on the project's runtime class path (which must hold
 * {@code loky-spring-boot-starter}): {@code dev.loky.spring.worker.WorkerContextAotProcessor}.
 */
@Mojo(name = "process-worker-aot", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
public class ProcessWorkerAotMojo extends AbstractMojo {

    static final String PROCESSOR = "dev.loky.spring.worker.WorkerContextAotProcessor";

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The application's compiled classes; the generated classes and the descriptor are written here too. */
    @Parameter(defaultValue = "${project.build.outputDirectory}", required = true)
    private File classesDirectory;

    /** A working directory for the generated sources. */
    @Parameter(defaultValue = "${project.build.directory}/loky-worker-aot", required = true)
    private File generatedDirectory;

    /** The worker context's sources ({@code loky.worker.sources}); by default the one {@code @SpringBootApplication} class. */
    @Parameter
    private List<String> sources = new ArrayList<>();

    /** The profiles the application runs with in production; workers run them plus {@code loky-worker}. */
    @Parameter(property = "loky.aot.profiles")
    private List<String> profiles = new ArrayList<>();

    /** {@code loky.worker.profiles}, if the application sets it. */
    @Parameter
    private List<String> workerProfiles = new ArrayList<>();

    /** Arguments the application is started with (they can decide conditions). */
    @Parameter
    private List<String> arguments = new ArrayList<>();

    /** JVM arguments of the processing JVM (e.g. {@code -Dspring.profiles.active}-like system properties). */
    @Parameter
    private List<String> jvmArguments = new ArrayList<>();

    /** The {@code java} launcher; by default the one Maven runs on. */
    @Parameter(property = "loky.aot.java")
    private File javaExecutable;

    /** Skips the goal. */
    @Parameter(property = "loky.aot.skip", defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping the loky worker context's Spring AOT processing");
            return;
        }
        if (!classesDirectory.isDirectory()) {
            getLog().info("No classes in " + classesDirectory + ": nothing to process");
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(java().toString());
        command.addAll(jvmArguments);
        command.add("-cp");
        command.add(classpath());
        command.add(PROCESSOR);
        command.add("--classes");
        command.add(classesDirectory.getAbsolutePath());
        command.add("--generated");
        command.add(generatedDirectory.getAbsolutePath());
        addList(command, "--sources", sources);
        addList(command, "--profiles", profiles);
        addList(command, "--worker-profiles", workerProfiles);
        if (!arguments.isEmpty()) {
            command.add("--");
            command.addAll(arguments);
        }
        getLog().debug("Running " + command);
        int exit;
        try {
            Process process = new ProcessBuilder(command).directory(project.getBasedir()).inheritIO().start();
            exit = process.waitFor();
        } catch (IOException ex) {
            throw new MojoExecutionException("Could not start " + command.get(0) + ": " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("Interrupted while processing the worker context", ex);
        }
        if (exit != 0) {
            throw new MojoFailureException("The loky worker context's Spring AOT processing failed (exit code " + exit
                    + ", output above). The project's runtime class path must hold loky-spring-boot-starter (for " + PROCESSOR
                    + "); set <skip>true</skip> or -Dloky.aot.skip to build without it.");
        }
    }

    private Path java() {
        if (javaExecutable != null) {
            return javaExecutable.toPath();
        }
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private String classpath() throws MojoExecutionException {
        Set<String> elements = new LinkedHashSet<>();
        elements.add(classesDirectory.getAbsolutePath());
        try {
            elements.addAll(project.getRuntimeClasspathElements());
        } catch (org.apache.maven.artifact.DependencyResolutionRequiredException ex) {
            throw new MojoExecutionException("The project's runtime class path is not resolved: " + ex.getMessage(), ex);
        }
        return String.join(File.pathSeparator, elements);
    }

    private static void addList(List<String> command, String option, List<String> values) {
        if (values != null && !values.isEmpty()) {
            command.add(option);
            command.add(String.join(",", values));
        }
    }
}
