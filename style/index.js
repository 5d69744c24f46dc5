import './base.css';
import './terminals.css';
import './grading.css';
import './overview.css';
