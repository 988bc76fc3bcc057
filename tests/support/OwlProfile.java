import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

/**
 * The OWL API's OWL 2 DL profile check, as Protégé's "Ontology > Check profile" runs it.
 *
 * <p>Reads one ontology document (args[0]), prints each violation on a line of its own and then
 * "axioms N violations M"; exits 0 when the ontology is in OWL 2 DL and 1 when it is not.
 */
public class OwlProfile {
    public static void main(String[] args) throws Exception {
        OWLOntology ontology =
                OWLManager.createOWLOntologyManager().loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println(violation.toString().replace('\n', ' '));
        }
        System.out.println("axioms " + ontology.getAxiomCount() + " violations " + report.getViolations().size());
        System.exit(report.isInProfile() ? 0 : 1);
    }
}
