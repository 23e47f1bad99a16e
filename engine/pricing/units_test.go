package pricing

import "testing"

// The documented examples: the AWS pricing pages ("Read request unit",
// "Write request unit") and the Developer Guide's batch examples.
func TestReadUnits(t *testing.T) {
	tests := []struct {
		name  string
		bytes int64
		kind  ReadKind
		want  float64
	}{
		{"pricing page: 8 KB strong", 8 << 10, Strong, 2},
		{"pricing page: 8 KB eventual", 8 << 10, Eventual, 1},
		{"pricing page: 8 KB transactional", 8 << 10, Transactional, 4},
		{"4 KB strong is one unit", 4 << 10, Strong, 1},
		{"one byte over 4 KB rounds up", 4<<10 + 1, Strong, 2},
		{"missing item costs the minimum", 0, Strong, 1},
		{"eventual minimum is half a unit", 100, Eventual, 0.5},
		{"transactional minimum is two units", 100, Transactional, 2},
		{"seed: 10 KB strong", 10 << 10, Strong, 3},
		{"Developer Guide BatchGet: 1.5 KB", 1536, Strong, 1},
		{"Developer Guide BatchGet: 6.5 KB", 6656, Strong, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ReadUnits(tt.bytes, tt.kind); got != tt.want {
				t.Errorf("ReadUnits(%d, %v) = %v, want %v", tt.bytes, tt.kind, got, tt.want)
			}
		})
	}
}

func TestWriteUnits(t *testing.T) {
	tests := []struct {
		name          string
		bytes         int64
		transactional bool
		want          float64
	}{
		{"pricing page: 1 KB", 1 << 10, false, 1},
		{"pricing page: 3 KB", 3 << 10, false, 3},
		{"pricing page: 3 KB transactional", 3 << 10, true, 6},
		{"Developer Guide BatchWrite: 500 B", 500, false, 1},
		{"Developer Guide BatchWrite: 3.5 KB", 3584, false, 4},
		{"1.5 KB rounds up to 2", 1536, false, 2},
		{"empty write costs the minimum", 0, false, 1},
		{"transactional minimum is two units", 1, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WriteUnits(tt.bytes, tt.transactional); got != tt.want {
				t.Errorf("WriteUnits(%d, %v) = %v, want %v", tt.bytes, tt.transactional, got, tt.want)
			}
		})
	}
}

func TestRequired(t *testing.T) {
	tests := []struct {
		name     string
		traffic  Traffic
		rcu, wcu float64
	}{
		{"seed: 10 KB read strongly 200/s", Traffic{ItemBytes: 10 << 10, ReadsPerSecond: 200, ReadKind: Strong}, 600, 0},
		{"seed: eventually", Traffic{ItemBytes: 10 << 10, ReadsPerSecond: 200}, 300, 0},
		{"seed: transactionally", Traffic{ItemBytes: 10 << 10, ReadsPerSecond: 200, ReadKind: Transactional}, 1200, 0},
		{"1.5 KB written 10/s", Traffic{ItemBytes: 1536, WritesPerSecond: 10}, 0, 20},
		{"1.5 KB written 10/s in transactions", Traffic{ItemBytes: 1536, WritesPerSecond: 10, TransactionalWrites: true}, 0, 40},
		{"fractional rates stay exact", Traffic{ItemBytes: 9 << 10, ReadsPerSecond: 0.1, ReadKind: Strong, WritesPerSecond: 0.1}, 0.3, 0.9},
		{"no traffic", Traffic{ItemBytes: 1 << 10}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Required(tt.traffic)
			if r.RCU != tt.rcu || r.WCU != tt.wcu {
				t.Errorf("Required(%+v) = %v RCU, %v WCU; want %v, %v", tt.traffic, r.RCU, r.WCU, tt.rcu, tt.wcu)
			}
		})
	}
}

// The partition model of the AWS Developer Guide's "Understanding
// partition behavior".
func TestPartitionsFor(t *testing.T) {
	const gb = 1 << 30
	tests := []struct {
		name     string
		rcu, wcu float64
		size     int64
		want     Partitions
	}{
		{"empty table has one partition", 0, 0, 0, Partitions{0, 0, 1}},
		{"1,000 RCU + 500 WCU fit one", 1000, 500, 0, Partitions{1, 0, 1}},
		{"1,500 RCU + 1,000 WCU need two", 1500, 1000, 0, Partitions{2, 0, 2}},
		{"exactly one partition's worth", 3000, 0, 0, Partitions{1, 0, 1}},
		{"900/3000 + 700/1000 is exactly 1", 900, 700, 0, Partitions{1, 0, 1}},
		{"a half unit over", 3000.5, 0, 0, Partitions{2, 0, 2}},
		{"10 GB fits one", 0, 0, 10 * gb, Partitions{0, 1, 1}},
		{"a byte over 10 GB needs two", 0, 0, 10*gb + 1, Partitions{0, 2, 2}},
		{"size wins", 600, 0, 25 * gb, Partitions{1, 3, 3}},
		{"throughput wins", 6000, 2000, 25 * gb, Partitions{4, 3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PartitionsFor(tt.rcu, tt.wcu, tt.size); got != tt.want {
				t.Errorf("PartitionsFor(%v, %v, %d) = %+v, want %+v", tt.rcu, tt.wcu, tt.size, got, tt.want)
			}
		})
	}
}

func TestReadKindText(t *testing.T) {
	for _, k := range []ReadKind{Eventual, Strong, Transactional} {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back ReadKind
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%v round-trips to %v, %v", k, back, err)
		}
	}
	if _, err := ReadKind(7).MarshalText(); err == nil {
		t.Error("ReadKind(7) marshals")
	}
	var k ReadKind
	if err := k.UnmarshalText([]byte("consistent")); err == nil {
		t.Error(`"consistent" unmarshals`)
	}
}
