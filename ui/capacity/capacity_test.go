package capacity

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"dynalab/sessions"
	"dynalab/ui/internal/uitest"
)

func TestNoFeedOnRemoteSession(t *testing.T) {
	b := uitest.NewBackend(t)
	b.SessKind = sessions.KindRemote
	m := New(uitest.Common(t, b, "dark"), nil, DefaultPricing)
	m.SetSize(80, 10)
	if view := strings.Join(strings.Fields(ansi.Strip(m.View())), " "); !strings.Contains(view, NoFeedRemote) {
		t.Errorf("view:\n%s", view)
	}
}

func TestNoFeedSaysSo(t *testing.T) {
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark"), nil, DefaultPricing)
	m.SetSize(80, 10)
	view := strings.Join(strings.Fields(ansi.Strip(m.View())), " ")
	if !strings.Contains(view, NoFeed) {
		t.Errorf("view:\n%s", view)
	}
}

func TestSamplesDrawn(t *testing.T) {
	ch := make(chan Sample, 200)
	for i := 0; i < 90; i++ {
		at := uitest.Epoch.Add(time.Duration(i) * time.Second)
		ch <- Sample{Time: at, Table: "AppTable", ConsumedRCU: float64(i % 10), ConsumedWCU: 1, OnDemand: true,
			HotKeys: []HotKey{{Key: "USER#u1", Units: 3}, {Key: "USER#u2", Units: 1}}}
		ch <- Sample{Time: at, Table: "Orders", ConsumedRCU: 12, ConsumedWCU: 6, ProvisionedRCU: 10, ProvisionedWCU: 5, ThrottledReads: 1}
	}
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark"), ch, DefaultPricing)
	m.SetSize(100, 12)
	m.SetFocused(true)
	msgs := uitest.Exec(m.Init())
	if next := m.Update(msgs[0]); next == nil {
		t.Fatal("read not re-armed")
	}
	view := ansi.Strip(m.View())
	for _, want := range []string{
		"› AppTable · on demand · ≈ $",
		"RCU ", "now     9 · peak     9", "hot keys: USER#u1 75% · USER#u2 25%",
		"Orders · provisioned 10 RCU / 5 WCU · ≈ $3.32/month",
		"now    12 · peak    12 / 10 · throttled 60",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("view lacks %q:\n%s", want, view)
		}
	}
	// The window: w goes 1 → 5 → 15 minutes; throttles count over it.
	uitest.Drive(t, m, uitest.Key("w"))
	if !strings.Contains(ansi.Strip(m.View()), "throttled 90") {
		t.Errorf("5 min window:\n%s", ansi.Strip(m.View()))
	}
	uitest.Drive(t, m, uitest.Key("j"))
	if st := m.Status(); st.Table != "Orders" || st.Capacity != 18 {
		t.Errorf("status %+v", st)
	}
}

func TestMonthlyCost(t *testing.T) {
	p := DefaultPricing
	// 10 RCU + 5 WCU provisioned: (10*0.00013 + 5*0.00065) * 730.
	if got := p.Monthly(false, 10, 5, 0, 0); math.Abs(got-3.3215) > 1e-9 {
		t.Errorf("provisioned: %v", got)
	}
	// On demand, 1 RRU/s and 1 WRU/s on average: 2,628,000 s a month.
	if got := p.Monthly(true, 0, 0, 1, 1); math.Abs(got-(0.125+0.625)*2.628) > 1e-9 {
		t.Errorf("on demand: %v", got)
	}
}

func TestBucketsKeepPeaks(t *testing.T) {
	got := buckets([]float64{1, 9, 2, 2, 3, 0, 0, 7}, 4)
	want := []float64{9, 2, 3, 7}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if len(buckets([]float64{1, 2}, 5)) != 2 {
		t.Error("short series changed")
	}
}

// TestQuietHoldsBackIdleSeconds: an idle table's samples are passed on
// once (to list it) and while a spike still scrolls across the longest
// window, then held back; the pane fills the held-back seconds with zeros
// when the next sample arrives, so its series stay one value per second.
func TestQuietHoldsBackIdleSeconds(t *testing.T) {
	src := make(chan Sample, 2000)
	at := func(s int) time.Time { return uitest.Epoch.Add(time.Duration(s) * time.Second) }
	for s := range 1000 {
		smp := Sample{Time: at(s), Table: "T", OnDemand: true}
		if s == 10 {
			smp.ConsumedRCU = 5
		}
		src <- smp
	}
	src <- Sample{Time: at(1000), Table: "T", OnDemand: true, ConsumedWCU: 2}
	close(src)
	var got []Sample
	for s := range Quiet(src) {
		got = append(got, s)
	}
	// 0 (listed), 10 (busy), 11..910 (the spike within 15 minutes), 1000.
	if want := 1 + 1 + 900 + 1; len(got) != want {
		t.Fatalf("%d samples passed on; want %d", len(got), want)
	}
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark"), nil, DefaultPricing)
	for _, s := range got {
		m.add(s)
	}
	sr := m.series["T"]
	if len(sr.rcu) != History || len(sr.wcu) != History || last(sr.wcu) != 2 {
		t.Fatalf("series of %d/%d values; want %d, one per second", len(sr.rcu), len(sr.wcu), History)
	}
}

// TestHotKeysAreSmoothed: one second all on one key, the next all on
// another does not flip the shares from 100% to 0%: they move gradually.
func TestHotKeysAreSmoothed(t *testing.T) {
	m := New(uitest.Common(t, uitest.NewBackend(t), "dark"), nil, DefaultPricing)
	for s := range 10 {
		key := "A"
		if s%2 == 1 {
			key = "B"
		}
		m.add(Sample{Time: uitest.Epoch.Add(time.Duration(s) * time.Second), Table: "T", OnDemand: true,
			HotKeys: []HotKey{{Key: key, Units: 10}}})
	}
	hot := m.series["T"].hot
	if len(hot) != 2 {
		t.Fatalf("hot keys %+v", hot)
	}
	share := hot[0].Units / (hot[0].Units + hot[1].Units)
	if share > 0.6 {
		t.Fatalf("alternating keys: the hottest has %.0f%%, want about half", share*100)
	}
}
