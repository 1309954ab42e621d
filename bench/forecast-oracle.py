#!/usr/bin/env python3
"""How far can any forecast beat reacting, per minute? (issue 21)

Replays a per-minute CSV (timestamp_utc,requests; empty = gap) over its last --test-days days with the rules of
Tandem's MinuteSimulation (src/Tandem.Forecasting/Planning/Simulation/MinuteSimulation.cs, ScalePolicy.cs): a plan
pays for a server from the minute it asks and gets it --lead minutes later, scales out at once to
ceil(signal / (threshold x capacity)), scales in only after `hold` minutes in a row below the smaller set's
capacity x 0.8; a minute is overloaded when its requests exceed serving servers x capacity x 60.

Three plans, each swept over the thresholds 40%..160% and holds of 1, 3 and 6 leads, as `forecast simulate --sweep`:
  reactive: the signal is the last complete minute's load (the same plan as Tandem's);
  smoothed: the signal is the mean of the last --smooth complete minutes (reacting to a smoothed load, no forecast);
  oracle:   the signal is the highest *true* level over the next lead minutes, the level being the centred
            --smooth-minute mean of the actual counts. No forecast can know more about the level than this, so the
            oracle's frontier bounds what any level forecast (Tandem's or another) can gain over reacting; the
            minute-to-minute noise around the level is what neither plan can see. The centred mean reaches
            --smooth/2 minutes past the lead, so on steep surges the bound is optimistic.
Prints how much the minutes scatter around the level and how much the level moves within the lead (over the busiest
quarter of test minutes, in log: what a level forecast can and cannot see), then the reactive frontier with the oracle
and the smoothed plan read at each point (overload ratio at equal extra server-minutes, cost ratio at equal overloaded
minutes) and the medians over the points that overload 0.05%..2.5% of minutes, as `forecast simulate --sweep` does.
Standard library only; one to three minutes per run.

  python3 bench/forecast-oracle.py ../shared/data/traffic/nasa_ksc_1995_minutely.csv --capacity-p95 38.7 --lead 10
"""
import argparse
import csv
import math


def read(path):
    values = []
    with open(path, newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            values.append(float(row[1]) if len(row) > 1 and row[1] != "" else math.nan)
    return values


def quantile(values, q):
    s = sorted(v for v in values if not math.isnan(v))
    if not s:
        return math.nan
    pos = q * (len(s) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def simulate(load, signal, start, capacity, base, most, lead, threshold, hold):
    """One plan: (extra server-minutes, overloaded minutes), as MinuteSimulation.Servers and Point count them."""
    usable = threshold * capacity  # req/s one server takes at the threshold
    current, below, target = base, 0, base
    asked = []
    extra = overloaded = 0
    for i, t in enumerate(range(start, len(load))):
        peak = signal[t] / 60
        if not math.isnan(peak):
            if peak > usable * current:
                below = 0
                current = min(most, max(base, math.ceil(peak / usable) if peak > 0 else base))
            else:
                smaller = current
                while smaller > base and peak < usable * (smaller - 1) * 0.8:
                    smaller -= 1
                if smaller >= current:
                    below = 0
                else:
                    target = smaller if below == 0 else max(target, smaller)
                    below += 1
                    if below >= hold:
                        current, below = target, 0
        asked.append(current)
        serving = min([current] + [asked[i - b] if i - b >= 0 else base for b in range(1, lead + 1)])
        if not math.isnan(load[t]):
            extra += current - base
            overloaded += 1 if load[t] > serving * capacity * 60 else 0
    return extra, overloaded


def envelope(points):
    out, best = [], math.inf
    for p in sorted(points, key=lambda p: (p[0], p[1])):
        if p[1] < best:
            best = p[1]
            out.append(p)
    return out


def overloaded_at(env, extra):
    if not env or extra < env[0][0]:
        return math.nan
    for (x0, y0), (x1, y1) in zip(env, env[1:]):
        if extra <= x1:
            return y1 if x1 == x0 else y0 + (y1 - y0) * (extra - x0) / (x1 - x0)
    return env[-1][1]


def extra_at(env, overloaded):
    if not env or overloaded < env[-1][1] or overloaded > env[0][1]:
        return math.nan
    if overloaded == env[0][1]:
        return env[0][0]
    for (x0, y0), (x1, y1) in zip(env, env[1:]):
        if overloaded >= y1:
            return x0 + (x1 - x0) * (y0 - overloaded) / (y0 - y1)
    return env[-1][0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv")
    parser.add_argument("--capacity-p95", type=float, required=True, help="one server's capacity as %% of the series' p95 minute")
    parser.add_argument("--lead", type=int, default=10, help="minutes from a decision to a serving server")
    parser.add_argument("--test-days", type=int, default=14)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--smooth", type=int, default=15, help="minutes of the centred mean that is the oracle's level")
    args = parser.parse_args()

    load = read(args.csv)
    n = len(load)
    start = n - args.test_days * 1440
    capacity = args.capacity_p95 / 100 * quantile(load, 0.95) / 60
    half = args.smooth // 2
    level = [math.nan] * n
    for t in range(n):
        window = [v for v in load[max(0, t - half):t + half + 1] if not math.isnan(v)]
        level[t] = sum(window) / len(window) if window else math.nan
    reactive = [math.nan] + load[:-1]
    smoothed = [math.nan] * n
    for t in range(1, n):
        window = [v for v in load[max(0, t - args.smooth):t] if not math.isnan(v)]
        smoothed[t] = sum(window) / len(window) if window else math.nan
    oracle = [max((level[k] for k in range(t, min(n, t + args.lead + 1)) if not math.isnan(level[k])), default=math.nan) for t in range(n)]
    thresholds = [i * 0.05 for i in range(8, 33)]
    holds = [args.lead, 3 * args.lead, 6 * args.lead]
    most = 4 * args.servers
    plans = {}
    for name, signal in (("reactive", reactive), ("smoothed", smoothed), ("oracle", oracle)):
        plans[name] = [simulate(load, signal, start, capacity, args.servers, most, args.lead, th, hold) for hold in holds for th in thresholds]
    minutes = sum(1 for v in load[start:] if not math.isnan(v))
    static = sum(1 for v in load[start:] if not math.isnan(v) and v > args.servers * capacity * 60)
    print(f"{args.csv}: {minutes} minutes, capacity {capacity:.3f} req/s per server, lead {args.lead} min, "
          f"static {args.servers} servers overload {static} minutes ({100 * static / minutes:.1f}%); oracle level = centred {args.smooth}-minute mean")
    busy = sorted(level[t] for t in range(start, n) if not math.isnan(level[t]))
    busy = busy[int(0.75 * len(busy))] if busy else math.nan
    scatter, moves = [], []
    for t in range(start, n - args.lead):
        if level[t] >= busy and level[t + args.lead] > 0 and not math.isnan(load[t]) and load[t] > 0:
            scatter.append(math.log(load[t] / level[t]))
            moves.append(math.log(level[t + args.lead] / level[t]))
    sd = lambda v: math.sqrt(max(0.0, sum(x * x for x in v) / len(v) - (sum(v) / len(v)) ** 2)) if v else math.nan
    print(f"busiest quarter of test minutes (level >= {busy:.0f}/min): sd of log(minute / level) {sd(scatter):.3f} "
          f"(Poisson alone {1 / math.sqrt(busy):.3f}); sd of the level's log change over the lead {sd(moves):.3f}")
    print()
    median = lambda v: sorted(v)[len(v) // 2] if v else math.nan
    for other in ("oracle", "smoothed"):
        o_env = envelope(plans[other])
        print(f"{'reactive extra':>14} {'overloaded':>10} | {other + ' overl.':>15} {'ratio':>5} | {other + ' extra':>14} {'ratio':>5}")
        over, cost = [], []
        for x, y in envelope(plans["reactive"]):
            oy, ox = overloaded_at(o_env, x), extra_at(o_env, y)
            ro = oy / y if y and not math.isnan(oy) else math.nan
            rc = ox / x if x and not math.isnan(ox) else math.nan
            print(f"{x:>14} {y:>10} | {oy:>15.0f} {ro:>5.2f} | {ox:>14.0f} {rc:>5.2f}")
            if minutes * 0.0005 <= y <= minutes * 0.025:
                over += [ro] if not math.isnan(ro) else []
                cost += [rc] if not math.isnan(rc) else []
        print(f"operating range 0.05%..2.5% of minutes: {other} overloads {median(over):.2f}x (median; best {min(over, default=math.nan):.2f}x) "
              f"at equal extra, costs {median(cost):.2f}x (median; best {min(cost, default=math.nan):.2f}x) at equal overloads")
        print()

if __name__ == "__main__":
    main()
