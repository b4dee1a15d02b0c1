// JSON-structured application logs: level, message, time, pid and errors from their own fields.
// The lines are fixtures in each library's documented shape.
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/records/envelope.js';

const env = (raw: string) => parseEnvelope(raw, 'test', 1);

describe('structured JSON lines', () => {
  it('reads pino (numeric level, epoch ms, err object)', () => {
    const r = env('{"level":50,"time":1531171074631,"pid":657,"hostname":"box","msg":"job failed","err":{"type":"Error","message":"connect ECONNREFUSED 127.0.0.1:6379","stack":"Error: connect ECONNREFUSED\\n    at x"}}');
    expect(r).toMatchObject({ level: 'ERROR', pid: 657, host: 'box', time: 1531171074631, text: 'job failed: connect ECONNREFUSED 127.0.0.1:6379' });
  });

  it('reads zap (string level, epoch seconds, error string)', () => {
    const r = env('{"level":"fatal","ts":1595959595.125,"caller":"main.go:40","msg":"cannot start","error":"listen tcp :8080: bind: address already in use"}');
    expect(r).toMatchObject({ level: 'FATAL', time: 1595959595125, text: 'cannot start: listen tcp :8080: bind: address already in use' });
  });

  it('reads structlog (event) and ECS (dotted and nested keys)', () => {
    expect(env('{"event": "worker lost", "level": "error", "timestamp": "2026-11-20T10:00:00Z"}')).toMatchObject({ text: 'worker lost', level: 'ERROR', time: Date.parse('2026-11-20T10:00:00Z') });
    expect(env('{"@timestamp":"2026-11-20T10:00:00.000Z","log.level":"warn","message":"slow","process":{"pid":42}}')).toMatchObject({ text: 'slow', level: 'WARNING', pid: 42 });
  });

  it('reads the program line inside docker json-file records', () => {
    const r = env('{"log":"[2021-08-25 23:24:53,573: ERROR/MainProcess] Process \'ForkPoolWorker-3\' pid:27 exited with \'signal 9 (SIGKILL)\'\\n","stream":"stderr","time":"2021-08-25T23:24:53.574Z"}');
    expect(r).toMatchObject({ level: 'ERROR', process: 'MainProcess', text: "Process 'ForkPoolWorker-3' pid:27 exited with 'signal 9 (SIGKILL)'" });
  });

  it('turns a record with no message into key=value text (a metrics record)', () => {
    const r = env('{"worker_id": "worker-02", "error_code": "clw-worker-oom", "memory_limit_mb": 2048, "memory_peak_mb": 2100}');
    expect(r.text).toBe('worker_id=worker-02 error_code=clw-worker-oom memory_limit_mb=2048 memory_peak_mb=2100');
  });

  it('leaves JSON that is not an object alone', () => {
    expect(env('[1,2,3]').text).toBe('[1,2,3]');
  });
});
