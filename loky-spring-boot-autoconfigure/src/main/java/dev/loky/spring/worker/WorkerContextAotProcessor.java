package dev.loky.spring.worker;

import dev.loky.internal.worker.WorkerMain;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.FileSystemGeneratedFiles;
import org.springframework.aot.generate.GeneratedFiles;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.type.classreading.MetadataReader;
import org.springframework.core.type.classreading.SimpleMetadataReaderFactory;
import org.springframework.javapoet.ClassName;
import org.springframework.util.FileSystemUtils;

import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build step that runs a worker's context through Spring's AOT engine: the same
 * {@code SpringApplication} a worker boots ({@link WorkerContextInitializer}: its sources, web
 * type none, profile {@code loky-worker}, the worker's forced properties and bean-definition
 * filter, the auto-configurations a worker skips), stopped before its refresh, as Spring Boot's
 * own {@code process-aot} does for the application's context. The generated code is compiled
 * into the application's classes directory with the descriptor workers check
 * ({@link WorkerContextAot}); its classes are named {@code …__LokyWorker…}, so they never collide
 * with the application's own AOT output.
 *
 * <p>Run by the loky-maven-plugin's {@code process-worker-aot} goal (or a Gradle {@code JavaExec}
 * task) in a JVM of its own whose class path is the application's runtime class path:
 * {@code java -cp <classpath> dev.loky.spring.worker.WorkerContextAotProcessor --classes target/classes
 * --generated target/loky-aot [--sources com.example.App] [--profiles prod] [--worker-profiles extra] [-- app args]}.
 */
public final class WorkerContextAotProcessor {

    private WorkerContextAotProcessor() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        String initializer = process(options);
        System.out.println("loky: generated the worker context's Spring AOT initializer " + initializer + " in " + options.classes);
        System.exit(0); // the abandoned context may have started threads of its own
    }

    /** Generates, compiles and describes the worker context's AOT output; returns the initializer's class name. */
    static String process(Options options) throws IOException {
        System.setProperty(WorkerMain.WORKER_PROPERTY, "true"); // conditions and filters decide as in a worker
        System.setProperty("spring.aot.processing", "true");
        // as in a worker: DevTools' restarter (which reads only this system property) would run main again
        System.setProperty("spring.devtools.restart.enabled", "false");
        List<String> sources = options.sources.isEmpty() ? List.of(findApplicationClass(options.classes)) : options.sources;
        StandardEnvironment parent = new StandardEnvironment();
        parent.setActiveProfiles(options.profiles.toArray(String[]::new));
        WorkerContextInitializer worker = WorkerContextInitializer.capture(parent, sources, options.workerProfiles,
                options.arguments.toArray(String[]::new));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        SpringApplication application = worker.application(loader);
        GenericApplicationContext context = stoppedBeforeRefresh(application, worker.arguments());

        Path sourcesDir = options.generated.resolve("sources");
        Path resourcesDir = options.generated.resolve("resources");
        FileSystemUtils.deleteRecursively(options.generated);
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get(application.getMainApplicationClass()), WorkerContextAot.FEATURE_PREFIX),
                new FileSystemGeneratedFiles(kind -> switch (kind) {
                    case SOURCE -> sourcesDir;
                    case RESOURCE -> resourcesDir; // runtime hints, for native images only
                    case CLASS -> options.classes; // CGLIB proxies of configuration classes
                }));
        ClassName initializer = new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
        generation.writeGeneratedContent();
        compile(sourcesDir, options.classes);
        WorkerContextAot.writeDescriptor(options.classes, initializer.canonicalName(), sources, worker.profiles());
        return initializer.canonicalName();
    }

    private static GenericApplicationContext stoppedBeforeRefresh(SpringApplication application, String[] arguments) {
        try {
            SpringApplication.withHook(ignored -> new SpringApplicationRunListener() {
                @Override
                public void contextLoaded(ConfigurableApplicationContext context) {
                    throw new SpringApplication.AbandonedRunException(context);
                }
            }, () -> application.run(arguments));
        } catch (SpringApplication.AbandonedRunException ex) {
            if (ex.getApplicationContext() instanceof GenericApplicationContext context) {
                return context;
            }
            throw new IllegalStateException("The worker context is a " + ex.getApplicationContext().getClass().getName()
                    + ", not a GenericApplicationContext: Spring AOT cannot process it");
        }
        throw new IllegalStateException("The worker context ran to its end: Spring AOT processing did not stop it before its refresh");
    }

    private static void compile(Path sourcesDir, Path classes) throws IOException {
        List<File> files = new ArrayList<>();
        if (Files.isDirectory(sourcesDir)) {
            try (Stream<Path> walk = Files.walk(sourcesDir)) {
                walk.filter(p -> p.toString().endsWith(".java")).forEach(p -> files.add(p.toFile()));
            }
        }
        if (files.isEmpty()) {
            return;
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("No Java compiler in " + System.getProperty("java.home") + ": run the build step on a JDK");
        }
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(null, null, null)) {
            List<String> options = List.of("-d", classes.toString(), "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"),
                    "-proc:none", "-parameters", "-nowarn", "--release", Integer.toString(Runtime.version().feature()));
            Boolean ok = compiler.getTask(null, fileManager, null, options, null, fileManager.getJavaFileObjectsFromFiles(files)).call();
            if (!Boolean.TRUE.equals(ok)) {
                throw new IllegalStateException("Compiling the worker context's generated sources in " + sourcesDir + " failed (see above)");
            }
        }
    }

    /** The one {@code @SpringBootApplication} class among the application's classes. */
    static String findApplicationClass(Path classes) throws IOException {
        SimpleMetadataReaderFactory readers = new SimpleMetadataReaderFactory();
        List<String> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".class"))::iterator) {
                MetadataReader reader = readers.getMetadataReader(new org.springframework.core.io.FileSystemResource(file));
                if (reader.getAnnotationMetadata().hasAnnotation(SpringBootApplication.class.getName())) {
                    found.add(reader.getClassMetadata().getClassName());
                }
            }
        }
        if (found.size() != 1) {
            throw new IllegalStateException((found.isEmpty() ? "No @SpringBootApplication class" : "Several @SpringBootApplication classes " + found)
                    + " in " + classes + ": name the worker context's sources (--sources, or the goal's <sources>)");
        }
        return found.get(0);
    }

    /** The processor's command line. */
    record Options(Path classes, Path generated, List<String> sources, List<String> profiles, List<String> workerProfiles, List<String> arguments) {

        static Options parse(String[] args) {
            Path classes = null;
            Path generated = null;
            List<String> sources = List.of();
            List<String> profiles = List.of();
            List<String> workerProfiles = List.of();
            List<String> arguments = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--")) {
                    arguments.addAll(List.of(args).subList(i + 1, args.length));
                    break;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing the value of " + args[i]);
                }
                String value = args[++i];
                switch (args[i - 1]) {
                    case "--classes" -> classes = Path.of(value);
                    case "--generated" -> generated = Path.of(value);
                    case "--sources" -> sources = WorkerContextAot.split(value);
                    case "--profiles" -> profiles = WorkerContextAot.split(value);
                    case "--worker-profiles" -> workerProfiles = WorkerContextAot.split(value);
                    default -> throw new IllegalArgumentException("Unknown option " + args[i - 1]
                            + " (known: --classes, --generated, --sources, --profiles, --worker-profiles, -- arguments)");
                }
            }
            if (classes == null || generated == null) {
                throw new IllegalArgumentException("--classes <the application's classes directory> and --generated <a working directory> are required");
            }
            return new Options(classes, generated, sources, profiles, workerProfiles, List.copyOf(arguments));
        }
    }
}
