// Runs firmware_session.transcript() under MicroPython (the WebAssembly port from npm)
// and prints its lines: test_firmware_on_micropython.py compares them with CPython's.
// Usage: node micropython_run.mjs <firmware dir> <tests/device dir> <payloads.json>
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [firmwareDir, testsDir, vectorsPath] = process.argv.slice(2);
const mp = await loadMicroPython({
  stdout: (line) => console.log(line),
  stderr: (line) => console.error(line),
  linebuffer: true,
});
mp.FS.mkdir("/board");
for (const name of ["knotproto.py", "hx711.py", "tool.py", "config.py", "blelink.py"]) {
  mp.FS.writeFile(`/board/${name}`, readFileSync(join(firmwareDir, name)));
}
mp.FS.writeFile("/board/firmware_session.py", readFileSync(join(testsDir, "firmware_session.py")));
mp.FS.writeFile("/board/payloads.json", readFileSync(vectorsPath));
try {
  mp.runPython(`
import sys
sys.path.insert(0, "/board")
import firmware_session
with open("/board/payloads.json") as f:
    for line in firmware_session.transcript(f.read()):
        print(line)
`);
} catch (err) {
  console.error(err.message); // the MicroPython traceback, not the minified port's source
  process.exit(1);
}
