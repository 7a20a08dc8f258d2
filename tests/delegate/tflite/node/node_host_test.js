// A second, independent TFLite host: the tfjs-tflite-node package (Node.js,
// its own TFLite 2.9 build) loads libvkdelegate.so as a delegate plug-in. The
// same model and inputs run with and without the delegate; outputs must agree.
//   node node_host_test.js <libvkdelegate.so> <model.tflite>
'use strict';
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tflite = require('tfjs-tflite-node');

async function main() {
  const [lib, modelPath] = process.argv.slice(2);
  await tf.setBackend('cpu');
  const plain = await tflite.loadTFLiteModel(modelPath, {numThreads: 1});
  const delegated = await tflite.loadTFLiteModel(modelPath, {
    numThreads: 1,
    delegates: [{
      name: 'vkdelegate',
      tfliteVersion: '2.9',
      node: {path: lib},
      // No options: tfjs-tflite-node 0.0.2's binding hands the plug-in dangling
      // option strings (fill_delegate_options inserts c_str() of per-iteration
      // copies), which vkdelegate rightly refuses. The cache goes where
      // XDG_CACHE_HOME points (the wrapper sets a temporary one).
      options: [],
    }],
  });
  // Seeded inputs (a small LCG), the same for both.
  let seed = 12345;
  const inputs = plain.inputs.map((info) => {
    const n = info.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; ++i) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      values[i] = seed / 2147483648 * 2 - 1;
    }
    return tf.tensor(values, info.shape, 'float32');
  });
  const a = plain.predict(inputs.length === 1 ? inputs[0] : inputs);
  const b = delegated.predict(inputs.length === 1 ? inputs[0] : inputs);
  const as = Array.isArray(a) ? a : [a];
  const bs = Array.isArray(b) ? b : [b];
  if (as.length !== bs.length) throw new Error('output counts differ');
  let worst = 0;
  let scale = 1;
  for (let o = 0; o < as.length; ++o) {
    const x = as[o].dataSync();
    const y = bs[o].dataSync();
    if (x.length !== y.length) throw new Error('output ' + o + ' sizes differ');
    for (let i = 0; i < x.length; ++i) {
      worst = Math.max(worst, Math.abs(x[i] - y[i]));
      scale = Math.max(scale, Math.abs(x[i]));
    }
  }
  console.log('node host: max |difference| ' + worst + ' over ' + as.length + ' output(s)');
  if (!(worst <= 1e-4 * scale)) throw new Error('outputs differ by ' + worst);
}

main().catch((e) => {
  console.error('node_host_test: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
