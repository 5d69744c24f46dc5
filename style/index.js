import './base.css';
import './terminals.css';
import './grading.css';
import './overview.css';
import './publish.css';
import './authoring.css';
import './checks.css';
import './a11y.css';
