import './base.css';
import './terminals.css';
