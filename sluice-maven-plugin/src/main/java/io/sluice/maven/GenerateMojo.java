package io.sluice.maven;

import io.sluice.msggen.MessageGenerationException;
import io.sluice.msggen.MessageGenerator;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * Generates Java flyweights for the ROS 2 {@code .msg} files of the project and adds them to its sources.
 *
 * <p>The files are in the ROS layout under {@link #msgDirectory}, {@code <package>/msg/<Name>.msg}; they may use
 * each other and the standard types ({@code std_msgs}, {@code sensor_msgs}, {@code geometry_msgs}, ...), whose
 * classes come with sluice-core. A problem in a file fails the build with one {@code file:line: what} line each.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
    /** The directory of {@code <package>/msg/<Name>.msg} files; nothing is generated when it does not exist. */
    @Parameter(property = "sluice.msgDirectory", defaultValue = "${project.basedir}/src/main/msg", required = true)
    File msgDirectory;

    /** Where the Java sources go; the goal owns it and deletes sources it no longer generates. */
    @Parameter(property = "sluice.outputDirectory",
        defaultValue = "${project.build.directory}/generated-sources/sluice", required = true)
    File outputDirectory;

    /** Java package prefix of non-standard packages: {@code acme_msgs/msg/Detection} → {@code <prefix>.acme_msgs}. */
    @Parameter(property = "sluice.packagePrefix", defaultValue = MessageGenerator.DEFAULT_PACKAGE_PREFIX)
    String packagePrefix;

    /** Skips the goal. */
    @Parameter(property = "sluice.skip", defaultValue = "false")
    boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("sluice: skipped");
            return;
        }
        if (!msgDirectory.isDirectory()) {
            getLog().info("sluice: no .msg directory at " + msgDirectory + ", nothing to generate");
            return;
        }
        MessageGenerator generator;
        try {
            generator = MessageGenerator.builder()
                .msgDirectory(msgDirectory.toPath())
                .packagePrefix(packagePrefix)
                .build();
        } catch (IllegalArgumentException e) {
            throw new MojoFailureException("sluice: packagePrefix: " + e.getMessage());
        }
        try {
            MessageGenerator.Summary summary = generator.syncTo(outputDirectory.toPath());
            Files.createDirectories(outputDirectory.toPath());
            int classes = summary.written().size() + summary.unchanged().size();
            getLog().info("sluice: " + classes + (classes == 1 ? " message class in " : " message classes in ")
                + outputDirectory + " (" + summary.written().size() + " written, " + summary.deleted().size()
                + " deleted)");
        } catch (MessageGenerationException e) {
            for (String problem : e.problems()) {
                getLog().error(problem);
            }
            throw new MojoFailureException("sluice: " + e.problems().size()
                + (e.problems().size() == 1 ? " problem" : " problems") + " in the .msg files under " + msgDirectory
                + ":\n" + e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            throw new MojoExecutionException("sluice: cannot write " + outputDirectory + ": " + e.getMessage(), e);
        }
        project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
    }
}
