package io.sluice.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The goal on its own; {@code src/it} runs it in a real build. */
class GenerateMojoTest {
    @TempDir
    Path dir;
    /** What the goal logged: {@code level: message}. */
    private final List<String> logged = new ArrayList<>();

    private GenerateMojo mojo() {
        GenerateMojo mojo = new GenerateMojo();
        mojo.setLog((Log) Proxy.newProxyInstance(Log.class.getClassLoader(), new Class<?>[] {Log.class},
            (proxy, method, args) -> {
                if (method.getName().startsWith("is")) {
                    return true;
                }
                logged.add(method.getName() + ": " + (args == null ? "" : args[0]));
                return null;
            }));
        mojo.msgDirectory = dir.resolve("src/main/msg").toFile();
        mojo.outputDirectory = dir.resolve("target/generated-sources/sluice").toFile();
        mojo.packagePrefix = "com.acme.msg";
        mojo.project = new MavenProject();
        return mojo;
    }

    private Path msg(String type, String text) throws IOException {
        Path file = dir.resolve("src/main/msg").resolve(type + ".msg");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void shouldGenerateSourcesAndAddThemToTheBuildWhenTheProjectHasMessages() throws Exception {
        msg("acme_msgs/msg/Detection", "std_msgs/Header header\nstring label\n");
        GenerateMojo mojo = mojo();
        mojo.execute();
        assertTrue(Files.isRegularFile(mojo.outputDirectory.toPath().resolve("com/acme/msg/acme_msgs/Detection.java")));
        assertEquals(List.of(mojo.outputDirectory.getAbsolutePath()), mojo.project.getCompileSourceRoots());
        assertEquals(List.of("info: sluice: 1 message class in " + mojo.outputDirectory + " (1 written, 0 deleted)"),
            logged);
    }

    @Test
    void shouldFailNamingFileAndLineWhenAMessageIsBad() throws IOException {
        Path file = msg("acme_msgs/msg/Detection", "std_msgs/Header header\nwstring label\n");
        GenerateMojo mojo = mojo();
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains(file + ":2: wstring is not supported"), e.getMessage());
        assertTrue(logged.getFirst().startsWith("error: " + file + ":2: wstring is not supported"), logged.toString());
        assertEquals(List.of(), mojo.project.getCompileSourceRoots());
    }

    @Test
    void shouldDoNothingWhenTheProjectHasNoMsgDirectory() throws Exception {
        GenerateMojo mojo = mojo();
        mojo.execute();
        assertTrue(Files.notExists(mojo.outputDirectory.toPath()));
        assertEquals(List.of(), mojo.project.getCompileSourceRoots());
    }

    @Test
    void shouldFailWhenThePackagePrefixIsNotAJavaPackage() throws IOException {
        msg("acme_msgs/msg/Detection", "string label\n");
        GenerateMojo mojo = mojo();
        mojo.packagePrefix = "com.acme-robots";
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("packagePrefix"), e.getMessage());
    }
}
