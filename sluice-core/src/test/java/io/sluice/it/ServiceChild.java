package io.sluice.it;

import io.sluice.MessageShape;
import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import io.sluice.exec.Executor;
import io.sluice.service.Service;
import io.sluice.msg.std_msgs.Int64;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Main of a child JVM serving the service {@code name} ({@code std_msgs/Int64} → {@code std_msgs/Int64}) on an
 * event loop. Arguments: the shared-memory root (domain 0), the service name, and what the handler does:
 * {@code triple} answers {@code 3 × request}; {@code halt} prints {@code HANDLING n} and halts the JVM inside the
 * handler; {@code hang} prints {@code HANDLING n} and sleeps until killed. Prints {@code SERVING} when ready;
 * the line {@code EXIT} on stdin closes everything and prints {@code BYE}.
 */
public final class ServiceChild {
    private static final MessageShape<Int64> INT64 = Int64.TYPE.withCapacity(Int64.TYPE.defaultSize());

    private ServiceChild() {
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.exitWithParent(); // a handler that hangs keeps the JVM alive past the end of stdin
        Path root = Path.of(args[0]);
        String name = args[1];
        String mode = args[2];
        Sluice sluice = Sluice.open("service-child-" + ProcessHandle.current().pid(),
            SluiceOptions.defaults().withRoot(root).withDomain(0));
        Service<Int64, Int64> service = Service.open(sluice, name, Int64.TYPE, Int64.TYPE, (request, response) -> {
            long value = request.data();
            switch (mode) {
                case "triple" -> response.loan(INT64).data(3 * value);
                case "halt" -> {
                    ParticipantChild.say("HANDLING " + value);
                    Runtime.getRuntime().halt(3);
                }
                case "hang" -> {
                    ParticipantChild.say("HANDLING " + value);
                    Thread.sleep(Long.MAX_VALUE);
                }
                default -> throw new IllegalArgumentException("unknown mode: mode=" + mode);
            }
        });
        Executor executor = Executor.eventLoop();
        service.register(executor);
        executor.start();
        ParticipantChild.say("SERVING");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.trim().equals("EXIT")) {
                break;
            }
        }
        executor.close();
        sluice.close();
        ParticipantChild.say("BYE");
        System.exit(0);
    }
}
