/** The system parsers collect their rows with the shared RowSink. */
export { RowSink } from '../../shared/row-sink.js';
