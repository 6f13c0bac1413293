// The OWL 2 DL profile check of the OWL API (what ROBOT's `validate-profile --profile DL` runs).
// Usage: java -cp <owlapi jars>:<dir> ProfileCheck FILE...
// Prints "FILE: N violations" and each violation; exits 1 when any file has one, 2 when a
// file cannot be loaded. Imports are not fetched: the check is of each file as released.
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class ProfileCheck {
    public static void main(String[] args) {
        int status = 0;
        for (String name : args) {
            OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
            OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT)
                .setStrict(false);
            OWLOntology ontology;
            try {
                ontology = manager.loadOntologyFromOntologyDocument(
                    new FileDocumentSource(new File(name)), config);
            } catch (Exception err) {
                System.out.println(name + ": cannot load: " + err);
                status = 2;
                continue;
            }
            OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
            System.out.println(name + ": " + report.getViolations().size() + " violations");
            for (OWLProfileViolation violation : report.getViolations()) {
                System.out.println("  " + violation.toString().replace('\n', ' '));
            }
            if (!report.isInProfile() && status == 0) {
                status = 1;
            }
        }
        System.exit(status);
    }
}
