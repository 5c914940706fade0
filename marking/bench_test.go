package marking_test

import (
	"testing"

	"github.com/liaison-dev/liaison/marking"
)

func BenchmarkParse(b *testing.B) {
	r := marking.DefaultRegistry()
	const banner = "SECRET UE//REL TO DE, FR, NL//ORCON//H2//EXPIRES 2027-01-31"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Parse(banner); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	r := marking.DefaultRegistry()
	m, err := r.Parse("SECRET UE//REL TO DE, FR, NL//ORCON//H2//EXPIRES 2027-01-31")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = m.String()
	}
}

func BenchmarkRank(b *testing.B) {
	r := marking.DefaultRegistry()
	c := marking.Classification{Scheme: "DE", Level: "VS-NUR FÜR DEN DIENSTGEBRAUCH"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Rank(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompare(b *testing.B) {
	r := marking.DefaultRegistry()
	a := marking.Classification{Scheme: "EU", Level: "SECRET UE"}
	c := marking.Classification{Scheme: "NATO", Level: "COSMIC TOP SECRET"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Compare(a, c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	r := marking.DefaultRegistry()
	m, err := r.Parse("SECRET UE//REL TO DE, FR, NL//ORCON//H2//EXPIRES 2027-01-31")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Validate(m); err != nil {
			b.Fatal(err)
		}
	}
}
