// Jena's SHACL validator over many data sets in one JVM (tests/support/jena.py).
//
// `shacl validate` validates one data file per process; the test suite asks
// for the real graph and every mutation fixture, which share all but one file.
// Starting a JVM for each cost more CPU than the validations themselves, so
// this program does what that command does (load the shapes graph and the data
// graph with RDFDataMgr, ShaclValidator.get().validate(shapes, data), write the
// report graph), once per job, reading each distinct input file only once.
//
// Usage: java -cp CLASSES:JENA JenaBatch SHAPES < JOBS
// Each line of JOBS is tab-separated: the report file to write (N-Triples),
// then the data files whose union is validated.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.jena.graph.Graph;
import org.apache.jena.graph.GraphUtil;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.sparql.graph.GraphFactory;

public class JenaBatch {
    public static void main(String[] args) throws Exception {
        Graph shapes = RDFDataMgr.loadGraph(args[0]);
        Map<String, Graph> parsed = new HashMap<>();
        BufferedReader jobs = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = jobs.readLine(); line != null; line = jobs.readLine()) {
            if (line.isEmpty()) continue;
            String[] fields = line.split("\t");
            Graph data = GraphFactory.createDefaultGraph();
            for (int i = 1; i < fields.length; i++) {
                GraphUtil.addInto(data, parsed.computeIfAbsent(fields[i], RDFDataMgr::loadGraph));
            }
            Graph report = ShaclValidator.get().validate(shapes, data).getGraph();
            try (OutputStream out = Files.newOutputStream(Path.of(fields[0]))) {
                RDFDataMgr.write(out, report, Lang.NTRIPLES);
            }
        }
    }
}
