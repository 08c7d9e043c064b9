;; The Monte Carlo hot loops in WebAssembly (docs/monte-carlo.md, "Two backends"): a trial's normals
;; (sfc32 and the ziggurat) and the realised cells of a world. Each function has a TypeScript twin
;; (draws.ts fillNormals, kernel.ts realiseCells, expFloat.ts expFloat) doing the same IEEE
;; operations in the same order, and packages/simulator/test/montecarlo/wasm.test.ts holds the two bit for bit.
;; `node scripts/wasm.mjs` compiles this file into kernelWasm.ts.
;;
;; Memory (imported, one per kernel scratch): bytes 0–15 the trial's sfc32 state a, b, c, d;
;; 16–2063 the ziggurat's kn, 2064–4111 wn, 4112–6159 fn (256 f64 each), 6160–6415 the 32 entries
;; 2^(j/32) of $exp (all written by the host, kernelMemory.ts);
;; from 8192 the arrays of the scratch, laid out by the host.
(module
  (import "env" "memory" (memory 1))
  ;; Math.exp, for |x| ≥ 708 where 2^k would leave the normal range (never met within the noise bounds).
  (import "env" "mathExp" (func $mathExp (param f64) (result f64)))
  ;; The ziggurat's base-strip tail (needs a logarithm): draws from the state in memory.
  (import "env" "tail" (func $tail (param f64) (result f64)))

  ;; e^x (expFloat.ts): x = (32·m + j)·ln2/32 + r, |r| ≤ ln2/64; 2^m · 2^(j/32) · e^r with the
  ;; table 2^(j/32) at 6160 and e^r by Taylor to r^6 in Estrin's order.
  (func $exp (export "exp") (param $x f64) (result f64)
    (local $k f64) (local $r f64) (local $r2 f64) (local $n i32)
    (if (i32.eqz (f64.lt (f64.abs (local.get $x)) (f64.const 708)))
      (then (return (call $mathExp (local.get $x)))))
    ;; k = x·32/ln2 rounded to nearest (ties to even) by the 1.5·2^52 shift.
    (local.set $k
      (f64.sub
        (f64.add (f64.mul (local.get $x) (f64.const 46.16624130844683)) (f64.const 6755399441055744))
        (f64.const 6755399441055744)))
    (local.set $r
      (f64.sub
        (f64.sub (local.get $x) (f64.mul (local.get $k) (f64.const 0.02166084938653512)))
        (f64.mul (local.get $k) (f64.const 5.9631716539705866e-12))))
    (local.set $r2 (f64.mul (local.get $r) (local.get $r)))
    (local.set $n (i32.trunc_f64_s (local.get $k)))
    (f64.mul
      (f64.mul
        (f64.load offset=6160 (i32.shl (i32.and (local.get $n) (i32.const 31)) (i32.const 3)))
        ;; r2·(r2·high + mid) + low
        (f64.add
          (f64.mul (local.get $r2)
            (f64.add
              (f64.mul (local.get $r2)
                (f64.add
                  (f64.mul (local.get $r2) (f64.const 0.001388888888888889))
                  (f64.add (f64.mul (local.get $r) (f64.const 0.008333333333333333)) (f64.const 0.041666666666666664))))
              (f64.add (f64.mul (local.get $r) (f64.const 0.16666666666666666)) (f64.const 0.5))))
          (f64.add (f64.const 1) (local.get $r))))
      (f64.reinterpret_i64
        (i64.shl (i64.extend_i32_s (i32.add (i32.shr_s (local.get $n) (i32.const 5)) (i32.const 1023))) (i64.const 52)))))

  ;; One sfc32 step on the state in memory (the rejection path; the fast path keeps it in locals).
  (func $next (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $t i32)
    (local.set $a (i32.load (i32.const 0)))
    (local.set $b (i32.load (i32.const 4)))
    (local.set $c (i32.load (i32.const 8)))
    (local.set $d (i32.load (i32.const 12)))
    (local.set $t (i32.add (i32.add (local.get $a) (local.get $b)) (local.get $d)))
    (i32.store (i32.const 12) (i32.add (local.get $d) (i32.const 1)))
    (i32.store (i32.const 0) (i32.xor (local.get $b) (i32.shr_u (local.get $b) (i32.const 9))))
    (i32.store (i32.const 4) (i32.add (local.get $c) (i32.shl (local.get $c) (i32.const 3))))
    (i32.store (i32.const 8) (i32.add (i32.rotl (local.get $c) (i32.const 21)) (local.get $t)))
    (local.get $t))

  ;; The ziggurat's rejection path from value hz in layer iz (draws.ts slowNormal).
  (func $slowNormal (param $hz f64) (param $iz i32) (result f64)
    (local $x f64) (local $bits i32) (local $at i32)
    (loop $retry
      (local.set $at (i32.shl (local.get $iz) (i32.const 3)))
      (local.set $x (f64.mul (local.get $hz) (f64.load offset=2064 (local.get $at))))
      (if (i32.eqz (local.get $iz)) (then (return (call $tail (local.get $hz)))))
      ;; The wedge: fn[iz] + u·(fn[iz−1] − fn[iz]) < e^(−x²/2), u with 32 random bits.
      (if (f64.lt
            (f64.add
              (f64.load offset=4112 (local.get $at))
              (f64.mul
                (f64.div (f64.convert_i32_u (call $next)) (f64.const 4294967296))
                (f64.sub (f64.load offset=4104 (local.get $at)) (f64.load offset=4112 (local.get $at)))))
            (call $exp (f64.mul (f64.mul (f64.const -0.5) (local.get $x)) (local.get $x))))
        (then (return (local.get $x))))
      (local.set $bits (call $next))
      (local.set $iz (i32.and (local.get $bits) (i32.const 255)))
      (local.set $hz (f64.convert_i32_s (i32.shr_s (local.get $bits) (i32.const 8))))
      (br_if $retry
        (i32.eqz (f64.lt (f64.abs (local.get $hz)) (f64.load offset=16 (i32.shl (local.get $iz) (i32.const 3)))))))
    (f64.mul (local.get $hz) (f64.load offset=2064 (i32.shl (local.get $iz) (i32.const 3)))))

  ;; n standard normals into out (draws.ts fillNormals), advancing the state in memory.
  (func (export "normals") (param $out i32) (param $n i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $t i32) (local $at i32) (local $x f64) (local $end i32)
    (local.set $a (i32.load (i32.const 0)))
    (local.set $b (i32.load (i32.const 4)))
    (local.set $c (i32.load (i32.const 8)))
    (local.set $d (i32.load (i32.const 12)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 3))))
    ;; The fast path loops without a call in it (so the state stays in registers) and leaves it
    ;; for the rare rejection, which goes through memory and $slowNormal, then comes back.
    (block $done
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (loop $resume
        (block $rejected
          (loop $draw
            (local.set $t (i32.add (i32.add (local.get $a) (local.get $b)) (local.get $d)))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (local.set $a (i32.xor (local.get $b) (i32.shr_u (local.get $b) (i32.const 9))))
            (local.set $b (i32.add (local.get $c) (i32.shl (local.get $c) (i32.const 3))))
            (local.set $c (i32.add (i32.rotl (local.get $c) (i32.const 21)) (local.get $t)))
            ;; Layer from the low 8 bits, value from the high 24.
            (local.set $at (i32.shl (i32.and (local.get $t) (i32.const 255)) (i32.const 3)))
            (local.set $x (f64.convert_i32_s (i32.shr_s (local.get $t) (i32.const 8))))
            (br_if $rejected (i32.eqz (f64.lt (f64.abs (local.get $x)) (f64.load offset=16 (local.get $at)))))
            (f64.store (local.get $out) (f64.mul (local.get $x) (f64.load offset=2064 (local.get $at))))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (br_if $draw (i32.lt_u (local.get $out) (local.get $end))))
          (br $done))
        (i32.store (i32.const 0) (local.get $a))
        (i32.store (i32.const 4) (local.get $b))
        (i32.store (i32.const 8) (local.get $c))
        (i32.store (i32.const 12) (local.get $d))
        (f64.store (local.get $out) (call $slowNormal (local.get $x) (i32.shr_u (local.get $at) (i32.const 3))))
        (local.set $a (i32.load (i32.const 0)))
        (local.set $b (i32.load (i32.const 4)))
        (local.set $c (i32.load (i32.const 8)))
        (local.set $d (i32.load (i32.const 12)))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (br_if $resume (i32.lt_u (local.get $out) (local.get $end)))))
    (i32.store (i32.const 0) (local.get $a))
    (i32.store (i32.const 4) (local.get $b))
    (i32.store (i32.const 8) (local.get $c))
    (i32.store (i32.const 12) (local.get $d)))

  ;; e^x in place over count f64 from at, two at a time (the last one alone when count is odd):
  ;; $exp's operations lane by lane (SIMD lanes round as scalars do), so the same bits; a pair with a
  ;; lane outside |x| < 708 (or NaN) goes through $exp lane by lane.
  (func $expAll (param $at i32) (param $count i32)
    (local $end i32) (local $x v128) (local $k v128) (local $r v128) (local $r2 v128) (local $n v128)
    (local.set $end (i32.add (local.get $at) (i32.shl (i32.and (local.get $count) (i32.const -2)) (i32.const 3))))
    (block $pairsDone
      (br_if $pairsDone (i32.ge_u (local.get $at) (local.get $end)))
      (loop $pair
        (local.set $x (v128.load (local.get $at)))
        (if (v128.any_true
              (v128.not (f64x2.lt (f64x2.abs (local.get $x)) (f64x2.splat (f64.const 708)))))
          (then
            (f64.store (local.get $at) (call $exp (f64x2.extract_lane 0 (local.get $x))))
            (f64.store offset=8 (local.get $at) (call $exp (f64x2.extract_lane 1 (local.get $x)))))
          (else
            (v128.store (local.get $at)
              (block (result v128)
              (local.set $k
                (f64x2.sub
                  (f64x2.add (f64x2.mul (local.get $x) (f64x2.splat (f64.const 46.16624130844683))) (f64x2.splat (f64.const 6755399441055744)))
                  (f64x2.splat (f64.const 6755399441055744))))
              (local.set $r
                (f64x2.sub
                  (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (f64x2.splat (f64.const 0.02166084938653512))))
                  (f64x2.mul (local.get $k) (f64x2.splat (f64.const 5.9631716539705866e-12)))))
              (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
              (local.set $n (i32x4.trunc_sat_f64x2_s_zero (local.get $k)))
              (f64x2.mul
                (f64x2.mul
                  (f64x2.replace_lane 1
                    (f64x2.splat
                      (f64.load offset=6160 (i32.shl (i32.and (i32x4.extract_lane 0 (local.get $n)) (i32.const 31)) (i32.const 3))))
                    (f64.load offset=6160 (i32.shl (i32.and (i32x4.extract_lane 1 (local.get $n)) (i32.const 31)) (i32.const 3))))
                  (f64x2.add
                    (f64x2.mul (local.get $r2)
                      (f64x2.add
                        (f64x2.mul (local.get $r2)
                          (f64x2.add
                            (f64x2.mul (local.get $r2) (f64x2.splat (f64.const 0.001388888888888889)))
                            (f64x2.add (f64x2.mul (local.get $r) (f64x2.splat (f64.const 0.008333333333333333))) (f64x2.splat (f64.const 0.041666666666666664)))))
                        (f64x2.add (f64x2.mul (local.get $r) (f64x2.splat (f64.const 0.16666666666666666))) (f64x2.splat (f64.const 0.5)))))
                    (f64x2.add (f64x2.splat (f64.const 1)) (local.get $r))))
                (i64x2.shl
                  (i64x2.extend_low_i32x4_s (i32x4.add (i32x4.shr_s (local.get $n) (i32.const 5)) (i32x4.splat (i32.const 1023))))
                  (i32.const 52)))))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br_if $pair (i32.lt_u (local.get $at) (local.get $end)))))
    (if (i32.and (local.get $count) (i32.const 1))
      (then (f64.store (local.get $at) (call $exp (f64.load (local.get $at)))))))

  ;; A world's realised cells for one trial (kernel.ts realiseCells, docs/model.md §8), in three
  ;; passes so that the exponentials run in a tight two-lane loop instead of waiting on each
  ;; other's latency: the log shocks of every cell into $shocks and $drifts (cells × f64 each),
  ;; their exponentials, then the cells. Pointers are byte addresses; $costDraws, $savingsDraws
  ;; and $riskDraws are 0 when that stream is off, $counterfactualOut 0 when the realised
  ;; counterfactual is not kept. The market's pools of the contract years (the first $entityRows
  ;; rows) are summed on the way.
  (func (export "realise")
    (param $rows i32) (param $years i32) (param $calendarYears i32) (param $startIndex i32) (param $stride i32) (param $entityRows i32)
    (param $drawRow i32) (param $actual i32) (param $counterfactualCost i32) (param $plannedRisk i32) (param $memberScale i32) (param $savingsPlan i32)
    (param $costDraws i32) (param $savingsDraws i32) (param $riskDraws i32) (param $marketLevel i32)
    (param $cost i32) (param $risk i32) (param $memberMonths i32) (param $counterfactualOut i32) (param $marketCost i32) (param $marketRisk i32)
    (param $shocks i32) (param $drifts i32)
    (param $memberCostSd f64) (param $savingsSd f64) (param $riskDriftSd f64) (param $ceiling f64)
    (local $e i32) (local $k i32) (local $i i32) (local $c i32) (local $row i32) (local $draw i32) (local $cells i32)
    (local $shock f64) (local $entitySd f64) (local $savings f64) (local $planned f64) (local $cap f64) (local $level f64)
    (local $riskShock f64) (local $halfRiskVariance f64) (local $cellCost f64) (local $cellRisk f64)
    (local $at i32) (local $d i32) (local $pooled i32)
    (local $savings2 v128) (local $planned2 v128) (local $cap2 v128) (local $level2 v128) (local $cost2 v128) (local $risk2 v128)
    (local.set $halfRiskVariance (f64.div (f64.mul (local.get $riskDriftSd) (local.get $riskDriftSd)) (f64.const 2)))
    (local.set $cells (i32.mul (local.get $rows) (local.get $years)))
    (if (i32.le_s (local.get $cells) (i32.const 0)) (then (return)))
    ;; Pass 1: log shocks. Cost: the market's level plus the entity's mean-preserving shock; risk:
    ;; the drift so far (a cumulative sum along the contract years).
    (local.set $e (i32.const 0))
    (loop $eachRow
      (local.set $row (i32.mul (i32.load (i32.add (local.get $drawRow) (i32.shl (local.get $e) (i32.const 2)))) (local.get $stride)))
      (local.set $riskShock (f64.const 0))
      (local.set $k (i32.const 0))
      (loop $eachYear
        (local.set $i (i32.shl (i32.add (i32.mul (local.get $e) (local.get $years)) (local.get $k)) (i32.const 3)))
        (local.set $draw (i32.shl (i32.add (local.get $row) (local.get $k)) (i32.const 3)))
        ;; A cell of actual experience takes no draw and moves no drift.
        (if (i32.eqz (i32.load8_u (i32.add (local.get $actual) (i32.shr_u (local.get $i) (i32.const 3)))))
          (then
            (local.set $shock (f64.load (i32.add (local.get $marketLevel) (i32.shl (local.get $k) (i32.const 3)))))
            (if (local.get $costDraws)
              (then
                (local.set $entitySd (f64.mul (local.get $memberCostSd) (f64.load (i32.add (local.get $memberScale) (local.get $i)))))
                (local.set $shock
                  (f64.add (local.get $shock)
                    (f64.sub
                      (f64.mul (local.get $entitySd) (f64.load (i32.add (local.get $costDraws) (local.get $draw))))
                      (f64.div (f64.mul (local.get $entitySd) (local.get $entitySd)) (f64.const 2)))))))
            (f64.store (i32.add (local.get $shocks) (local.get $i)) (local.get $shock))
            (if (local.get $riskDraws)
              (then
                (local.set $riskShock
                  (f64.add (local.get $riskShock)
                    (f64.sub
                      (f64.mul (local.get $riskDriftSd) (f64.load (i32.add (local.get $riskDraws) (local.get $draw))))
                      (local.get $halfRiskVariance))))
                (f64.store (i32.add (local.get $drifts) (local.get $i)) (local.get $riskShock))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $eachYear (i32.lt_s (local.get $k) (local.get $years))))
      (local.set $e (i32.add (local.get $e) (i32.const 1)))
      (br_if $eachRow (i32.lt_s (local.get $e) (local.get $rows))))
    ;; Pass 2: their exponentials.
    (call $expAll (local.get $shocks) (local.get $cells))
    (if (local.get $riskDraws) (then (call $expAll (local.get $drifts) (local.get $cells))))
    ;; Pass 3: the cells, or their actual experience, two contract years of a row at a time where
    ;; neither is given as actual (the same operations lane by lane, so the same bits), one at a
    ;; time otherwise; the market's pools of each year add up in row order, as poolSet sums them.
    (local.set $e (i32.const 0))
    (loop $eachRow
      (local.set $draw (i32.shl (i32.mul (i32.load (i32.add (local.get $drawRow) (i32.shl (local.get $e) (i32.const 2)))) (local.get $stride)) (i32.const 3)))
      (local.set $pooled (i32.lt_s (local.get $e) (local.get $entityRows)))
      (local.set $k (i32.const 0))
      (loop $eachYear
        (local.set $i (i32.add (i32.mul (local.get $e) (local.get $years)) (local.get $k)))
        ;; Byte offsets: $at of the cell in the plan's arrays, $c in the calendar's, $d in the draws.
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (local.set $c (i32.shl (i32.add (i32.add (i32.mul (local.get $e) (local.get $calendarYears)) (local.get $startIndex)) (local.get $k)) (i32.const 3)))
        (local.set $d (i32.add (local.get $draw) (i32.shl (local.get $k) (i32.const 3))))
        (if (i32.and
              (i32.lt_s (i32.add (local.get $k) (i32.const 1)) (local.get $years))
              (i32.eqz (i32.load16_u (i32.add (local.get $actual) (local.get $i)))))
          (then
            (local.set $savings2 (v128.load (i32.add (local.get $savingsPlan) (local.get $at))))
            (if (local.get $savingsDraws)
              (then
                (local.set $planned2 (local.get $savings2))
                (local.set $savings2
                  (f64x2.add (local.get $savings2)
                    (f64x2.mul (f64x2.splat (local.get $savingsSd)) (v128.load (i32.add (local.get $savingsDraws) (local.get $d))))))
                (local.set $cap2
                  (v128.bitselect (local.get $planned2) (f64x2.splat (local.get $ceiling))
                    (f64x2.gt (local.get $planned2) (f64x2.splat (local.get $ceiling)))))
                (local.set $savings2
                  (v128.bitselect (local.get $cap2) (local.get $savings2) (f64x2.gt (local.get $savings2) (local.get $cap2))))))
            (local.set $level2
              (f64x2.mul (v128.load (i32.add (local.get $counterfactualCost) (local.get $at))) (v128.load (i32.add (local.get $shocks) (local.get $at)))))
            (if (local.get $counterfactualOut)
              (then (v128.store (i32.add (local.get $counterfactualOut) (local.get $at)) (local.get $level2))))
            (local.set $cost2 (f64x2.mul (local.get $level2) (f64x2.sub (f64x2.splat (f64.const 1)) (local.get $savings2))))
            (local.set $risk2 (v128.load (i32.add (local.get $plannedRisk) (local.get $at))))
            (if (local.get $riskDraws)
              (then (local.set $risk2 (f64x2.mul (local.get $risk2) (v128.load (i32.add (local.get $drifts) (local.get $at)))))))
            (v128.store (i32.add (local.get $cost) (local.get $c)) (local.get $cost2))
            (v128.store (i32.add (local.get $risk) (local.get $c)) (local.get $risk2))
            (if (local.get $pooled)
              (then
                (v128.store (i32.add (local.get $marketCost) (i32.shl (local.get $k) (i32.const 3)))
                  (f64x2.add (v128.load (i32.add (local.get $marketCost) (i32.shl (local.get $k) (i32.const 3)))) (local.get $cost2)))
                (v128.store (i32.add (local.get $marketRisk) (i32.shl (local.get $k) (i32.const 3)))
                  (f64x2.add (v128.load (i32.add (local.get $marketRisk) (i32.shl (local.get $k) (i32.const 3))))
                    (f64x2.mul (local.get $risk2) (v128.load (i32.add (local.get $memberMonths) (local.get $c))))))))
            (local.set $k (i32.add (local.get $k) (i32.const 2))))
          (else
            (if (i32.eq (i32.load8_u (i32.add (local.get $actual) (local.get $i))) (i32.const 1))
              (then
                ;; Actual experience: cost and risk as given.
                (local.set $cellCost (f64.load (i32.add (local.get $counterfactualCost) (local.get $at))))
                (local.set $cellRisk (f64.load (i32.add (local.get $plannedRisk) (local.get $at))))
                (if (local.get $counterfactualOut)
                  (then (f64.store (i32.add (local.get $counterfactualOut) (local.get $at)) (local.get $cellCost)))))
              (else
                (local.set $savings (f64.load (i32.add (local.get $savingsPlan) (local.get $at))))
                (if (local.get $savingsDraws)
                  (then
                    (local.set $planned (local.get $savings))
                    (local.set $savings
                      (f64.add (local.get $savings) (f64.mul (local.get $savingsSd) (f64.load (i32.add (local.get $savingsDraws) (local.get $d))))))
                    (local.set $cap (select (local.get $planned) (local.get $ceiling) (f64.gt (local.get $planned) (local.get $ceiling))))
                    (if (f64.gt (local.get $savings) (local.get $cap)) (then (local.set $savings (local.get $cap))))))
                ;; (counterfactual × e^shock) × (1 − savings): the first product is the realised counterfactual.
                (local.set $level
                  (f64.mul (f64.load (i32.add (local.get $counterfactualCost) (local.get $at))) (f64.load (i32.add (local.get $shocks) (local.get $at)))))
                (if (local.get $counterfactualOut)
                  (then (f64.store (i32.add (local.get $counterfactualOut) (local.get $at)) (local.get $level))))
                (local.set $cellCost (f64.mul (local.get $level) (f64.sub (f64.const 1) (local.get $savings))))
                (local.set $cellRisk (f64.load (i32.add (local.get $plannedRisk) (local.get $at))))
                (if (local.get $riskDraws)
                  (then (local.set $cellRisk (f64.mul (local.get $cellRisk) (f64.load (i32.add (local.get $drifts) (local.get $at)))))))))
            (f64.store (i32.add (local.get $cost) (local.get $c)) (local.get $cellCost))
            (f64.store (i32.add (local.get $risk) (local.get $c)) (local.get $cellRisk))
            (if (local.get $pooled)
              (then
                (f64.store (i32.add (local.get $marketCost) (i32.shl (local.get $k) (i32.const 3)))
                  (f64.add (f64.load (i32.add (local.get $marketCost) (i32.shl (local.get $k) (i32.const 3)))) (local.get $cellCost)))
                (f64.store (i32.add (local.get $marketRisk) (i32.shl (local.get $k) (i32.const 3)))
                  (f64.add (f64.load (i32.add (local.get $marketRisk) (i32.shl (local.get $k) (i32.const 3))))
                    (f64.mul (local.get $cellRisk) (f64.load (i32.add (local.get $memberMonths) (local.get $c))))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))))
        (br_if $eachYear (i32.lt_s (local.get $k) (local.get $years))))
      (local.set $e (i32.add (local.get $e) (i32.const 1)))
      (br_if $eachRow (i32.lt_s (local.get $e) (local.get $rows)))))
)
