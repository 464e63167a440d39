// ParseBench: PlantUML's own parse of sequence diagrams, timed in a warmed JVM.
//
//   java -cp CACHE:plantuml.jar ParseBench [--warmup W] [--runs K] FILE...
//
// For each file: W untimed parses, then K timed ones; each parse is what PlantUML does before
// drawing: SourceStringReader (preprocessing, block splitting) -> BlockUml.getDiagram() (the
// sequence diagram model). A fresh reader per run, since BlockUml caches its diagram.
// Prints one JSON object per file on stdout:
//   {"file", "messages", "runs", "median_ms", "min_ms", "retained_mb"}
// retained_mb: heap still used after a full GC while one parsed diagram is held, minus the heap
// used before parsing (what the model costs in memory).
// Compiled at run time against /usr/share/plantuml/plantuml.jar by benchmarks/plantuml.py.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;

import net.sourceforge.plantuml.BlockUml;
import net.sourceforge.plantuml.SourceStringReader;
import net.sourceforge.plantuml.core.Diagram;
import net.sourceforge.plantuml.error.PSystemError;
import net.sourceforge.plantuml.sequencediagram.AbstractMessage;
import net.sourceforge.plantuml.sequencediagram.Event;
import net.sourceforge.plantuml.sequencediagram.SequenceDiagram;

public class ParseBench {

    static Diagram parseOnce(String text) {
        List<BlockUml> blocks = new SourceStringReader(text).getBlocks();
        if (blocks.isEmpty()) throw new IllegalStateException("no @startuml block");
        Diagram d = blocks.get(0).getDiagram();
        if (d instanceof PSystemError) throw new IllegalStateException("PlantUML refused the diagram");
        return d;
    }

    static int messages(Diagram d) {
        if (!(d instanceof SequenceDiagram)) return -1;
        int n = 0;
        for (Event e : ((SequenceDiagram) d).events()) if (e instanceof AbstractMessage) n++;
        return n;
    }

    static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int warmup = 3, runs = 5;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--warmup")) warmup = Integer.parseInt(args[++i]);
            else if (args[i].equals("--runs")) runs = Integer.parseInt(args[++i]);
            else files.add(args[i]);
        }
        // PlantUML chatters on stdout and stderr; keep stdout for our JSON lines.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        if (System.getenv("PARSEBENCH_DEBUG") == null) System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        for (String f : files) {
            String text = new String(Files.readAllBytes(Paths.get(f)), StandardCharsets.UTF_8);
            int count = messages(parseOnce(text));
            for (int i = 0; i < warmup; i++) parseOnce(text);
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                parseOnce(text);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = runs % 2 == 1 ? sorted[runs / 2] : (sorted[runs / 2 - 1] + sorted[runs / 2]) / 2;
            long before = usedAfterGc();
            Diagram kept = parseOnce(text);
            long after = usedAfterGc();
            double retained = (after - before) / 1048576.0;
            if (messages(kept) != count) throw new IllegalStateException("unstable parse");
            out.println("{\"file\": " + q(f) + ", \"messages\": " + count + ", \"runs\": " + runs
                    + ", \"median_ms\": " + String.format(Locale.ROOT, "%.3f", median)
                    + ", \"min_ms\": " + String.format(Locale.ROOT, "%.3f", sorted[0])
                    + ", \"retained_mb\": " + String.format(Locale.ROOT, "%.2f", retained) + "}");
        }
        out.flush();
        System.exit(0);
    }
}
