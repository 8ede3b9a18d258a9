package dev.loky.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code java} block of docs/core.md compiles against this module: a block that declares a
 * class is compiled as it stands; any other block is a snippet, compiled as the body of a method
 * that has a {@code ProcessExecutor pool} at hand, with the snippet's own imports and no others.
 */
class CoreDocsExamplesTest {

    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

    @Test
    void everyJavaBlockOfCoreMdCompiles(@TempDir Path out) throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "core.md"), StandardCharsets.UTF_8);
        List<JavaFileObject> sources = new ArrayList<>();
        Matcher block = BLOCK.matcher(doc);
        while (block.find()) {
            String code = block.group(1);
            Matcher declared = CLASS.matcher(code);
            if (declared.find()) {
                sources.add(source(declared.group(1), code));
            } else {
                // a snippet shows its own imports (the docs promise it): they go above the method,
                // and nothing else is imported, so a missing import fails here
                StringBuilder imports = new StringBuilder();
                StringBuilder body = new StringBuilder();
                for (String line : code.split("\n")) {
                    (line.startsWith("import ") ? imports : body).append(line).append('\n');
                }
                String name = "Snippet" + sources.size();
                sources.add(source(name, imports + "class " + name + " {\n    void run(dev.loky.ProcessExecutor pool) throws Exception {\n"
                        + body + "\n    }\n}\n"));
            }
        }
        assertThat(sources).as("java blocks in docs/core.md").hasSizeGreaterThanOrEqualTo(2);

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean compiled = compiler.getTask(null, null, diagnostics,
                List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none"),
                null, sources).call();

        assertThat(compiled).as("docs/core.md examples compile: %s", diagnostics.getDiagnostics()).isTrue();
    }

    private static JavaFileObject source(String className, String code) {
        return new SimpleJavaFileObject(URI.create("string:///" + className + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        };
    }
}
