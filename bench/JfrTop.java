import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU goes in a JFR recording (JDK only): the methods with the most execution samples,
 * by self time (top frame) and inclusive (anywhere on the stack), optionally only frames whose
 * class name starts with one of the given prefixes.
 *
 * <pre>
 * jcmd PID JFR.start name=p settings=profile filename=/tmp/p.jfr ; ...load... ; jcmd PID JFR.stop name=p
 * java bench/JfrTop.java /tmp/p.jfr [TOP=25] [PREFIX...]     e.g. io.vxlb. io.vertx. io.netty.
 * </pre>
 */
public class JfrTop {
    public static void main(String[] a) throws Exception {
        int top = a.length > 1 ? Integer.parseInt(a[1]) : 25;
        List<String> prefixes = a.length > 2 ? List.of(a).subList(2, a.length) : List.of();
        Map<String, Integer> self = new HashMap<>(), incl = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(a[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) continue;
            samples++;
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            if (!frames.isEmpty()) self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) incl.merge(n, 1, Integer::sum);
            }
        }
        System.out.println(samples + " execution samples");
        print("self", self, samples, top, List.of());
        print("inclusive", incl, samples, top, prefixes);
    }

    static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    static void print(String title, Map<String, Integer> m, int samples, int top, List<String> prefixes) {
        System.out.println("-- " + title + (prefixes.isEmpty() ? "" : " " + prefixes));
        m.entrySet().stream()
                .filter(x -> prefixes.isEmpty() || prefixes.stream().anyMatch(p -> x.getKey().startsWith(p)))
                .sorted((x, y) -> y.getValue() - x.getValue()).limit(top)
                .forEach(x -> System.out.printf("%6.1f%%  %s%n", 100.0 * x.getValue() / samples, x.getKey()));
    }
}
